"""Composed hooks: a short lead that carries the segment's words, and a tail in the brand's own register.

A fixed library of whole-line templates makes every brand sound alike: two unrelated brands drew most
of their hooks from the same 80 lines. Here a hook is a lead ("Tired of {pain}?") plus a tail ("No
rush.") chosen from the registers of the brand's voice (calm, candid, playful ...), so the same lead
closes differently for a calm sleep brand and a practical finance app, and one brand's run has room for
many structures without saying one twice. Leads have at most three fixed words and tails at most two,
so a phrase of three or four words still fits the eight-word hook; no tail makes a claim.

Template ids read ``{angle}-c{lead}{register}{tail}`` ("pain-first-c1f0a3wa5b2e"), where ``lead`` and
``tail`` are short digests of their own text: an id never depends on where a line sits in a list, so
adding, removing or reordering lines leaves every other template's id (and the content keys of concepts
built on it) unchanged. A lead's hooks share a ``family`` (``pain-first-c1f0a3``) so one concept never
opens two hooks with the same lead.
"""

from __future__ import annotations

import hashlib
import re

from adloom.textutil import word_count

# Per register: tails of one or two words that can close a question or a statement. Written for this
# module from general copywriting practice; none names a result, a number or a superlative.
TAILS: dict[str, tuple[str, ...]] = {
    "plain-spoken": ("Here's how.", "Read on.", "Start here.", "Short version.", "Here's why.", "One change.",
                     "Plain answer.", "Let's talk.", "Simple start.", "Quick read.", "Hear us out.", "Worth knowing."),
    "evidence-led": ("See why.", "Look closer.", "The method.", "Judge yourself.", "The reasoning.", "Check this.",
                     "Weigh it up.", "Compare notes.", "Test it.", "See the workings.", "Follow the logic.",
                     "Decide yourself."),
    "candid": ("Honestly?", "No spin.", "Straight talk.", "Real talk.", "Fair enough.", "We'll explain.",
               "No fluff.", "Be honest.", "Truthfully.", "Said plainly.", "No gloss.", "Frankly."),
    "warm": ("We're here.", "Same here.", "We get it.", "Stay awhile.", "Come closer.", "You belong.",
             "Lean in.", "With you.", "Pull up a chair.", "We've got you.", "You're welcome here.", "Been there."),
    "playful": ("Plot twist.", "Spoiler alert.", "Oh, hello.", "Buckle up.", "Wait, what?", "Ta-da.",
                "Stick around.", "Guess what?", "Surprise.", "Oh yes.", "Brace yourself.", "Fancy that."),
    "premium": ("Made well.", "Take time.", "Notice more.", "Look closely.", "Considered, always.", "Take note.",
                "Savour it.", "Worth savouring.", "Quiet craft.", "In detail.", "Unhurried.", "Finely done."),
    "technical": ("The mechanics.", "See inside.", "The details.", "Step through.", "The breakdown.",
                  "Get specific.", "Under the hood.", "The logic.", "The specifics.", "By design.", "The build.",
                  "How it runs."),
    "calm": ("No rush.", "Breathe out.", "Settle in.", "Easy now.", "Rest easy.", "Exhale.", "Take a moment.",
             "Slow down.", "Gently does it.", "All is well.", "Unwind.", "Stay easy."),
    "energetic": ("Let's go.", "Game on.", "Move now.", "Go time.", "Own it.", "Step up.", "Charge ahead.",
                  "Your move.", "Bring it.", "All in.", "Gear up.", "Let's roll."),
    "practical": ("Try this.", "Step one.", "Save this.", "Do this.", "Note this.", "Use this.",
                  "Here's the plan.", "Quick tip.", "Sorted.", "The routine.", "Make a list.", "Easy steps."),
}
REGISTER_CODES = {"plain-spoken": "ps", "evidence-led": "ev", "candid": "ca", "warm": "wa", "playful": "pf",
                  "premium": "pm", "technical": "te", "calm": "cl", "energetic": "en", "practical": "pr"}
DEFAULT_REGISTER = "plain-spoken"

# Per angle: (lead, caption, first visual, trigger). Every lead holds a segment slot.
LEADS: dict[str, list[tuple[str, str, str, str]]] = {
    "pain-first": [
        ("Still {pain}?", "Not this again", "Creator exhales and rubs their eyes", "recognition"),
        ("Sick of {pain}?", "Enough of that", "Hand pushes a cluttered tray away", "frustration"),
        ("Stuck with {pain}?", "You know the one", "Knowing nod to camera", "recognition"),
        ("Dealing with {pain}?", "You're not alone", "Creator sits on the edge of a bed", "recognition"),
        ("{pain}, every week?", "Same story weekly", "Calendar with the same note each day", "frustration"),
        ("Hello again, {pain}.", "Not again", "Creator waves sarcastically at the camera", "frustration"),
        ("{problem}?", "Sound like you?", "Phone buzzes, a sigh off camera", "recognition"),
        ("Ugh, {pain}.", "We've all been there", "Face-palm in soft morning light", "recognition"),
        ('"{quote}." Relatable?', "Heard that before", "Creator mouths the words, eyebrows up", "recognition"),
        ("Another round of {pain}?", "Round two, again", "Creator sighs at a ringing alarm", "frustration"),
        ("Know {pain}?", "We know it too", "Slow nod, eyes to the lens", "recognition"),
        ("{problem}. Again.", "Same again", "Coffee mug set down a little too hard", "frustration"),
    ],
    "social-proof": [
        ('"{quote}," one said.', "Their words", "Quote card slides onto the table", "trust"),
        ("{segment} know {pain}.", "Straight from them", "Quick cuts of people nodding", "belonging"),
        ('Overheard: "{quote}."', "Heard it too", "Two friends talking over coffee", "recognition"),
        ("{segment} asked for {desire}.", "So we listened", "Notebook of handwritten requests", "belonging"),
        ('From {segment}: "{quote}."', "Unscripted and real", "Handheld selfie clip, natural light", "authenticity"),
        ("{segment} mention {pain}.", "In their words", "Voice note waveform on a phone", "trust"),
        ('Real words: "{quote}."', "Said, not scripted", "Sticky note read aloud to camera", "authenticity"),
        ("{segment} wanted {desire}.", "We heard it", "Handwritten wish list pinned up", "belonging"),
        ("Real {segment}, real words.", "Unpolished and true", "Phone clips of people talking", "authenticity"),
        ("Ask {segment} yourself.", "They'll tell you", "Street interview, mic held out", "trust"),
    ],
    "curiosity": [
        ("Why {pain}?", "Worth asking", "Slow zoom on a question mark", "curiosity"),
        ("Ever noticed {pain}?", "Look again", "Camera racks focus to the background", "curiosity"),
        ("What about {pain}?", "Think it over", "Creator tilts their head", "curiosity"),
        ("The truth about {pain}.", "Not what you think", "Curtain pulled back slowly", "curiosity"),
        ("So, {pain}.", "Let's unpack it", "Creator sets down a mug, ready to talk", "curiosity"),
        ("Wondering about {desire}?", "Here's a thought", "Creator glances up, pen to lips", "curiosity"),
        ("Where {pain} starts.", "The back story", "Door swings open on a workshop", "curiosity"),
        ("Quick question: {pain}?", "Think about it", "Creator holds up one finger", "curiosity"),
    ],
    "aspirational": [
        ("Picture {desire}.", "See it", "Golden light across an open room", "aspiration"),
        ("Imagine {desire}.", "Could be you", "Wide shot of an easy morning", "aspiration"),
        ("Hello, {desire}.", "Nice to meet you", "Door opens onto a bright garden", "hope"),
        ("Closer to {desire}.", "Step by step", "Footsteps on a sunny path", "aspiration"),
        ("{desire}, finally.", "About time", "Creator smiles and leans back", "relief"),
        ("Think: {desire}.", "Hold that thought", "Creator taps their temple", "aspiration"),
        ("Here's to {desire}.", "Raise a glass", "Two mugs clink by a window", "joy"),
        ("Yes to {desire}.", "Say yes", "Creator nods, grinning", "hope"),
        ("Soon: {desire}.", "Nearly there", "Sunrise over rooftops", "aspiration"),
    ],
    "contrarian": [
        ("{pain} isn't normal.", "Question it", "Creator shakes their head slowly", "surprise"),
        ("Stop excusing {pain}.", "No more excuses", "Hand flips a sign to face down", "indignation"),
        ("Rethink {pain}.", "Flip the script", "A picture frame turned the right way up", "surprise"),
        ("{pain}? Not inevitable.", "Says who, exactly?", "Creator raises an eyebrow", "pattern interrupt"),
        ("Nobody earned {pain}.", "Not a badge", "Medal dropped into a drawer", "indignation"),
        ("Unlearn {pain}.", "Start fresh", "Eraser wipes a whiteboard clean", "surprise"),
        ("Why not {desire}?", "Why not, really", "Creator shrugs, then grins", "surprise"),
        ('"{quote}"? Not okay.', "Push back", "Creator folds their arms, half smiling", "indignation"),
        ("{pain} is optional.", "Really, it is", "Creator crosses out a line on a list", "surprise"),
        ("Enough with {pain}.", "Draw a line", "Hand pushes a stack of papers away", "indignation"),
        ("{segment}, question everything.", "Ask why", "Creator raises an eyebrow", "surprise"),
    ],
    "authority": [
        ("{pain}, explained.", "The short version", "Hand sketches a simple diagram", "clarity"),
        ("{pain}, decoded.", "Know the why", "Notes pinned to a corkboard", "clarity"),
        ("Notes on {pain}.", "Worth a minute", "Open notebook, pen uncapped", "trust"),
        ("Understanding {pain}.", "Facts first", "Creator at a desk with a notepad", "clarity"),
        ("{desire}, step by step.", "The method", "Top-down shot of steps in order", "control"),
        ("A guide to {desire}.", "Read this first", "Open guidebook, a pencil mark", "clarity"),
        ("Why {pain} happens.", "The short reason", "Diagram drawn on a napkin", "clarity"),
    ],
    "comparison": [
        ("{pain}, the old way.", "Then the new", "Dusty gear pushed to the back", "contrast"),
        ("Swap {pain} out.", "Trade up", "Hand swaps one object for another", "contrast"),
        ("{pain} or {desire}?", "Your pick", "Two paths at a fork", "choice"),
        ("Out: {pain}.", "Make the switch", "Old habit card tossed aside", "contrast"),
        ("Yesterday: {pain}.", "Today, different", "Split screen of two mornings", "contrast"),
        ("Retire {pain}.", "Out with it", "Old item placed in a donation box", "contrast"),
        ("Less {pain}, more {desire}.", "Trade up", "Scales tipping the other way", "contrast"),
        ("Was: {pain}.", "Now, different", "Old photo beside a new one", "contrast"),
    ],
    "identity": [
        ("Hey, {segment}.", "Yes, you", "Creator waves straight at the lens", "identity"),
        ("{segment}, listen.", "This is yours", "Creator leans toward camera", "identity"),
        ("For {segment}.", "Made for you", "Day-in-the-life montage", "identity"),
        ("Psst, {segment}.", "A note for you", "Handwritten note unfolded", "belonging"),
        ("Calling {segment}.", "Roll call", "Phone rings on a desk", "identity"),
        ("{segment}, this is you.", "Sound familiar?", "Knowing smile to camera", "belonging"),
        ("Yes, {segment}.", "A note for you", "Letter slid across a table", "belonging"),
        ("{segment}, we see you.", "Seen and heard", "Creator smiles at the lens", "identity"),
    ],
    "urgency": [
        ("{pain} again tonight?", "Not tonight", "Bedside clock ticks over", "soft urgency"),
        ("Why wait on {pain}?", "Your move", "Hand hovers over a door handle", "soft urgency"),
        ("Skip {pain} today.", "Today counts", "Curtains open onto morning light", "momentum"),
        ("Today: {desire}.", "Start now", "Calendar flipped to today", "momentum"),
        ("Start {desire} now.", "Begin today", "Shoes by the door at sunrise", "momentum"),
        ("No more waiting: {desire}.", "Why not now", "Hourglass set aside", "momentum"),
        ("This week, {desire}.", "Make it this week", "Planner page for this week", "momentum"),
        ("Done with {pain}? Today.", "Start today", "Door opens onto morning", "momentum"),
    ],
    "objection": [
        ("{question}", "Fair question", "Creator reads a comment aloud", "reassurance"),
        ('"{objection}"?', "We hear you", "Comment pinned on screen", "openness"),
        ('Doubt: "{objection}."', "Answered plainly", "Question card slid across a table", "reassurance"),
        ("You asked: {question}", "Good question", "Creator looks up from phone", "trust"),
        ("Asked often: {question}", "Asked and answered", "Stack of question cards", "trust"),
        ('"{objection}"? Here goes.', "The answer", "Creator takes a breath, then answers", "reassurance"),
        ("{segment}, still unsure?", "Fair enough", "Creator leans in, open hands", "openness"),
        ("Skeptical, {segment}?", "Reasonable doubt", "Arms folded, then a nod", "reassurance"),
        ("Doubts, {segment}?", "Say them", "Comment bubbles pop up", "openness"),
    ],
}


# A doubt is answered plainly: "Is it really quiet? Go time." is no answer.
ANSWERING = ("plain-spoken", "candid", "evidence-led", "warm", "calm", "practical", "technical")


def digest(text: str, length: int) -> str:
    """A short, stable name for a line of template text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def composed_rows() -> list[tuple[str, str, str, str, str, str, str]]:
    """(id, family, register, text, caption, visual, trigger) for every lead x register tail that fits:
    between two and five fixed words in all. A line's fixed words are its lead's plus its tail's, so each
    lead and tail is counted and named once, not once a pair (~10,000 pairs: 0.04 s CPU of every cold run)."""
    tails = {register: [(tail, f"{REGISTER_CODES[register]}{digest(tail, 4)}", _fixed_words(tail)) for tail in lines]
             for register, lines in TAILS.items()}
    rows = []
    for angle, leads in LEADS.items():
        registers = [r for r in TAILS if angle != "objection" or r in ANSWERING]
        for lead, caption, visual, trigger in leads:
            family = f"{angle}-c{digest(lead, 6)}"
            fixed = _fixed_words(lead)
            for register in registers:
                rows += [(f"{family}{code}", family, register, f"{lead} {tail}", caption, visual, trigger)
                         for tail, code, words in tails[register] if 2 <= fixed + words <= 5]
    return rows


def _fixed_words(text: str) -> int:
    return word_count(_SLOT.sub("", text))


_SLOT = re.compile(r"\{[^}]+\}")
