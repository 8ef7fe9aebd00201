"""Labelled example clauses the meaning probe (``brand/meaning.py``) learns from: problems people have,
outcomes people want, and the neutral rest of a brand's pages.

Written for this module from general copywriting practice across many verticals (money, health, home,
work software, food, pets, travel, learning, beauty, cars, energy, events...). They name no brand and
paraphrase no folder of the evaluation set; forms vary on purpose (noun phrases, first, second and third
person, narrative, headline) so the probe learns what a problem or an outcome sounds like, not a topic.
"""

from __future__ import annotations

PAINS = (
    # money and admin
    "hidden fees on every statement", "the bill was double what they quoted", "overdraft charges every month",
    "I never know where my salary goes", "late payment fines stacking up", "a pile of unopened letters",
    "hours on hold to the bank", "forms that ask for the same thing three times", "tax season panic",
    "rent eats half of what I earn", "we overpaid for years without noticing", "renewal prices creep up",
    "losing receipts before the claim deadline", "the spreadsheet breaks every time someone edits it",
    # work and software
    "status meetings that eat the whole morning", "two people doing the same job without knowing",
    "nobody knows which version is the latest", "copying data between systems by hand",
    "the report takes a week to pull together", "new hires sit around waiting for a laptop",
    "the system goes down during the busiest hour", "emails get buried and nobody replies",
    "deals slip through the cracks", "our customers wait days for an answer",
    "too many tools and none talk to each other",
    "approvals stuck in someone's inbox", "the dashboard everyone ignores", "onboarding takes months",
    "staff quit after a few weeks", "leads go cold before anyone calls them back",
    # body and health
    "my knees ache after every run", "a stiff lower back after a day at the desk", "headaches by mid-afternoon",
    "waking up more tired than when I went to bed", "heartburn after every big meal", "aching feet after a shift",
    "dry, cracked hands every winter", "frizz the moment it rains", "breakouts before every big event",
    "feeling bloated all afternoon", "hay fever ruins every summer", "puffy eyes in the morning",
    "out of breath on the stairs", "my shoulders creep up to my ears", "an old injury that flares up",
    "lying awake at 2am with a racing mind", "snoring that keeps the whole house up", "night sweats",
    # home and family
    "the toddler melts down in the supermarket", "bedtime turns into a two-hour battle",
    "the washing basket is never empty", "damp patches on the bedroom wall", "the boiler gives up every winter",
    "a draughty house that never warms up", "the Wi-Fi drops in the back bedroom", "a fridge full of food nobody eats",
    "arguing over the remote every night", "toys all over the living room floor", "the school run is chaos",
    "the dog barks every time we leave", "the cat scratches the sofa to pieces", "fleas back every spring",
    "a lawn full of bald patches", "the garden is a jungle by July", "the kitchen tap drips all night",
    "packing for a holiday takes a whole weekend", "the car smells of wet dog",
    # feelings and self
    "I feel invisible in meetings", "dreading Monday morning", "embarrassed to smile in photos",
    "feeling like a fraud at work", "too shy to speak up", "guilty every time I order takeaway",
    "lonely since moving to a new city", "I compare myself to everyone online", "burned out by Thursday",
    "overwhelmed by choice", "scared of getting it wrong", "nervous about driving on motorways",
    "I lose motivation after the first week", "every diet ends the same way", "starting again every January",
    "I'm rubbish at keeping plants alive", "never finishing the books I start", "doomscrolling until midnight",
    # service and buying
    "the courier left it in the rain", "parcels go missing", "a different excuse every time I call",
    "waiting in all day for an engineer who never comes", "the quote changes once they've started",
    "returns are a nightmare", "the size guide is useless", "it broke a week after the warranty ran out",
    "the instructions make no sense", "setting it up took all afternoon", "the battery dies by lunchtime",
    "the app logs me out every day", "ads everywhere in the free version", "the subscription is hard to cancel",
    "you pay for features you never use", "cheap ones fall apart in a month", "the coffee tastes burnt",
    "ready meals that taste of cardboard", "soggy sandwiches at the desk again", "the commute takes ninety minutes",
    "the train is cancelled again", "sitting in traffic while the meter runs", "flights delayed with no explanation",
    "queues out the door at lunchtime", "booking a table takes five phone calls",
    # narrative third person
    "most people give up within a month", "owners only find out when something goes wrong",
    "parents spend evenings refereeing homework", "small shops lose customers to the big chains",
    "teams waste a day a week on admin", "drivers lose hours looking for parking",
    "students cram the night before and forget it all", "renters put up with mould because they can't move",
    "freelancers chase clients for weeks", "new runners get injured in the first month",
    "the old way took forever and cost a fortune", "it used to take three visits to fix",
)

DESIRES = (
    # outcomes said as wishes
    "I want to wake up with energy", "I'd love to cook something from scratch on a weeknight",
    "I just want things to work", "I wish I could leave work on time", "we want a weekend with nothing planned",
    "I want my kids to love reading", "I'd like to retire a few years early", "to finally feel at home here",
    # outcomes as headlines
    "sleep like you used to", "smile in every photo", "your best skin yet", "run further without the aches",
    "own your mornings", "learn guitar in your living room", "a kitchen you love cooking in",
    "money that works as hard as you do", "weekends that feel like weekends", "a garden you want to sit in",
    "holidays without the planning headache", "dinner on the table in twenty minutes", "a team that runs itself",
    "close the books in a day", "answers in minutes, not days", "the house warm when you walk in",
    "fly through airport security", "glowing skin without a ten-step routine", "a dog who comes back when called",
    "calm, confident mornings", "travel light and arrive fresh", "feel strong at any age",
    # outcomes as benefits
    "more time for the people you love", "peace of mind while you're away", "knowing everything is taken care of",
    "a home that stays tidy", "bills that never surprise you", "a body that feels younger",
    "the confidence to speak up", "a clear head in the morning", "energy that lasts all afternoon",
    "the freedom to travel whenever you like", "evenings free for yourself", "a fridge full of food you'll eat",
    "a savings pot that grows on its own", "hair that behaves all day", "shoes you can stand in all day",
    "a commute you actually enjoy", "customers who come back", "a full diary of bookings",
    "a quiet night's sleep", "coming home to a warm house", "a kid who can't wait for school",
    "being able to play with the grandchildren", "staying in the home you love", "keeping up on the hills",
    "getting fit without a gym", "lower bills every month", "a website that brings in customers",
    "hiring the right person first time", "every shift covered", "projects that finish on time",
    "a wardrobe that fits", "feeling good in your own skin", "a pet that lives a long, happy life",
    "hitting your savings goal", "passing the exam first time", "speaking with confidence in interviews",
    "playing a song all the way through", "a holiday where everyone's happy", "a wedding with no stress",
    "the car ready when you need it", "a tidy inbox by Friday", "focus for hours without distraction",
    "a healthy lunch without the effort", "breakfast the kids will eat", "your evenings back",
    "feel rested and ready", "move without stiffness", "get back on the bike", "enjoy food again",
    "wake up without an alarm", "never run out again", "spend less time on admin and more with clients",
    "make friends in a new city", "be proud of your home", "grow your business without working weekends",
    "look forward to bedtime", "take the stairs without thinking", "stay sharp as you get older",
    "relax on your day off", "feel in control of your money", "know your family is safe",
    "the job done right the first time", "a smooth move into your new home", "be ready for race day",
)

NEUTRAL = (
    # product and spec
    "the kit includes a charger and a carry case", "it is made from recycled aluminium",
    "available in three sizes and four colours", "it connects to your phone over Bluetooth",
    "the battery lasts twelve hours", "each box contains four meals", "weighs less than a kilogram",
    "machine washable at forty degrees", "powered by a quiet motor", "the frame is solid oak",
    "the app syncs across your devices", "works with Android and iPhone", "each pouch holds 300 grams",
    "the lid is dishwasher safe", "built from stainless steel", "the screen is ten inches",
    "the formula contains vitamin C and zinc", "it uses a HEPA filter", "the mattress has three foam layers",
    "the software runs in your browser", "data is stored in the EU", "exports to CSV and PDF",
    "integrates with Slack and Google Calendar", "the course has twelve modules", "lessons are recorded",
    "the van carries common parts", "it plugs into a standard socket", "the case is waterproof to 50 metres",
    "recipes are written by our chefs", "seeds are organic", "the collar has a GPS tracker",
    # company and logistics
    "our team is based in Manchester", "founded in 2019 by two engineers", "we ship to the UK and Ireland",
    "delivery takes two to three working days", "orders placed before noon ship the same day",
    "we are open Monday to Saturday", "our head office is in Leeds", "we employ forty people",
    "the studio is on the high street", "we partner with local suppliers", "we have offices in three countries",
    # pricing and offers
    "plans start at ten dollars a month", "free delivery on orders over thirty pounds",
    "the subscription renews every month", "you can cancel at any time", "the first month is free",
    "prices include VAT", "pay monthly or save with an annual plan", "a one-off setup fee of fifty pounds",
    "student discount available", "gift cards from twenty pounds", "ten percent off your first order",
    # process and instructions
    "download the app to get started", "sign up in two minutes", "choose a plan that suits you",
    "pick a delivery day", "step one: choose your recipes", "fill in the form and we'll call you",
    "book a slot online", "enter your postcode to check availability", "log in with your email",
    "upload your documents", "apply twice a day to clean skin", "charge it fully before first use",
    "read the guide before you start", "send us a photo of the problem", "we confirm by text",
    # labels and boilerplate
    "how it works", "about us", "frequently asked questions", "what's in the box", "pricing",
    "read our privacy policy", "contact support by email", "terms and conditions apply", "our story",
    "meet the team", "what customers say", "the science", "delivery and returns", "getting started",
    # proof and claims
    "rated four point eight stars by customers", "tested by an independent laboratory",
    "a survey of two thousand customers", "the lessons are written by teachers", "awarded best new product",
    "featured in the Guardian", "over ten thousand sold", "certified by the Soil Association",
    "designed with physiotherapists", "ninety percent would recommend us", "used by five hundred schools",
    "trusted by local councils", "accredited by the industry body",
    # descriptions of the product doing things
    "it sends a reminder the day before", "the planner sorts tasks by due date",
    "the tracker records your route", "our advisers answer calls until eight", "each session lasts an hour",
    "the coach reviews your week every Sunday", "the heater switches on at a set time",
    "the report lands in your inbox every Monday", "it learns your schedule over a few days",
    "the lamp dims gradually at night", "every order is packed by hand", "a technician visits once a year",
    # terms, returns and trials: an offer, not a problem
    "send it back within 14 days for a refund", "returns are free within a month", "we will refund you in full",
    "if it doesn't fit, swap it for free", "cancel with a week's notice", "the guarantee covers parts and labour",
    "a full charge takes three hours", "it charges over USB-C",
    # studies, hedges and method: proof, not a problem
    "the study was small and not blinded", "results were self-reported", "the evidence is still limited",
    "participants were aged 25 to 60", "we tested it on people with sensitive skin", "we don't claim it cures anything",
    "the trial ran for eight weeks", "the research was funded by us",
    # lists of uses, sports, rooms or occasions
    "running, cycling and swimming", "kitchen, bathroom and hallway", "birthdays, weddings and anniversaries",
    "morning, lunch and evening", "neck, shoulders and calves", "weekdays, weekends and holidays",
    "for work, school or travel", "use it at home or on the go",
)
