"""Deployment: approved concepts and their files, as paused campaigns, ad groups and ads on ad platforms.

``base`` holds the publisher interface and the plan types; ``plan`` builds a plan from a stored run;
``deploy`` (the function ``deploy.run.deploy``) runs a publisher over it and records each object in the audit
log; one module per platform (``meta``, ``tiktok``, ``google``) implements ``base.Publisher``.
"""
