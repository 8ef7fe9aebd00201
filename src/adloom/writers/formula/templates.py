"""Hook templates as data: the spoken line, its on-screen caption, the first shot, and the trigger it pulls.

Slots are filled from the brand object and the segment's own words:
  {pain} {desire}   segment pain points / desires: gerund or noun phrases ("waking up sore")
  {problem}         a pain that is a whole clause ("massage guns sound like a power drill")
  {objection}       a segment objection the brand answers, quoted as they say it ("it's too loud")
  {question}        the same, when they ask it as a question ("Is it really quiet?")
  {quote}           a segment language pattern, quoted ("my legs feel like concrete")
  {segment}         the segment label ("weekend warriors")
  {product}         a product name; {benefit} a product benefit
  {offer}           an offer with a real deadline (urgency templates only)
Every angle template holds at least one segment slot, so two segments never share a hook, and at
least two fixed words, so two hooks built on the same phrase are not near-duplicates, and at most
five, so a segment phrase of three or four words still fits the eight-word limit. No template
holds a number, a superlative or an outcome promise: those come only from approved claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from adloom.writers.formula.composed import composed_rows, digest

ANGLE_IDS: tuple[str, ...] = ("pain-first", "social-proof", "curiosity", "aspirational", "contrarian",
                              "authority", "comparison", "identity", "urgency", "objection")
GENERIC = "generic"


@dataclass(frozen=True)
class HookTemplate:
    id: str
    angle: str
    text: str        # the spoken line
    caption: str     # on-screen caption, 2-5 words, worded differently from the line
    visual: str      # the first shot
    trigger: str     # the emotional trigger it pulls
    family: str = ""     # composed hooks: the lead they share (one per concept); whole lines: their own id
    register: str = ""   # composed hooks: the voice register of their tail; "" for whole lines


# Why each angle stops the scroll: the rationale every hook carries.
ANGLE_WHY: dict[str, str] = {
    "pain-first": "names a problem the segment already feels, so the viewer recognises themselves first",
    "social-proof": "uses the segment's own words, so it sounds like a peer rather than an ad",
    "curiosity": "opens a question the viewer wants closed, without promising a result",
    "aspirational": "shows the outcome the segment wants, pulling toward it rather than away from pain",
    "contrarian": "breaks an assumption the segment holds, which interrupts the scroll",
    "authority": "promises an explanation, earning trust by teaching instead of claiming",
    "comparison": "contrasts the old way with a new routine, never a named competitor",
    "identity": "speaks to who the segment is, so the ad feels made for them",
    "urgency": "gives an honest reason to act now without inventing scarcity",
    "objection": "meets the segment's doubt head-on instead of hoping they skip it",
    GENERIC: "introduces the product plainly for this segment",
}

# Copy frameworks that suit each angle; the seed picks one when the angle does not name its own.
ANGLE_FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "pain-first": ("PAS", "BAB"), "social-proof": ("AIDA", "FAB"), "curiosity": ("AIDA", "4U"),
    "aspirational": ("BAB", "AIDA"), "contrarian": ("PAS", "4U"), "authority": ("FAB", "AIDA"),
    "comparison": ("BAB", "FAB"), "identity": ("AIDA", "BAB"), "urgency": ("4U", "AIDA"),
    "objection": ("FAB", "PAS"), GENERIC: ("AIDA", "PAS", "BAB", "FAB", "4U"),
}
FRAMEWORKS: tuple[str, ...] = ("AIDA", "PAS", "BAB", "FAB", "4U")

# Captions used when a template's own caption does not fit or repeats the spoken line.
FALLBACK_CAPTIONS: tuple[str, ...] = ("Watch till the end", "Worth a look", "See it in action",
                                      "Made for real life", "Give it a try", "Here's the idea")

_ROWS: dict[str, list[tuple[str, str, str, str]]] = {
    # (text, caption, first visual, trigger); four or five fixed words at most, so segment phrases fit
    "pain-first": [
        ("Tired of {pain}? Watch this.", "There's another way",
         "Close-up of someone wincing as they stand up", "frustration"),
        ("{pain}, again? Let's change that.", "Not this week",
         "Alarm goes off; a hand slaps it and stays still", "frustration"),
        ("Done with {pain}? Start here.", "A simpler routine",
         "Someone drops their bag by the door and sighs", "relief"),
        ("{pain}? Keep watching.", "This is for you",
         "Slow push-in on a tired face in morning light", "recognition"),
        ("What nobody says about {pain}", "The part you miss",
         "Over-the-shoulder shot of a crowded calendar", "curiosity"),
        ("{pain} shouldn't run your week.", "Take the week back",
         "Calendar pages flipping with days crossed out", "frustration"),
        ("The hidden cost of {pain}", "It adds up",
         "Receipts, missed plans and a cold coffee on a table", "loss aversion"),
        ("Let's be honest about {pain}", "Real talk, quickly",
         "Creator leans into the camera, half-whispering", "recognition"),
        ('"{quote}." Been there?', "You're in good company",
         'Creator mouths the words along with a voice note', 'recognition'),
        ('{problem}. Sound familiar?', 'We noticed too',
         'Phone screen shows a sigh-worthy notification', 'recognition'),
        ('When {problem}, try this.', 'One small change',
         'Hand reaches past clutter for one thing', 'relief'),
        ('Every week, {pain}. Enough.', 'Draw the line',
         'Hand crosses out a week on a paper planner', 'frustration'),
        ('If {pain} sounds like you', 'Stay a minute',
         'Creator points to a caption under their chin', 'recognition'),
        ("{segment}, {pain} isn't just you.", "It's common",
         'Group chat messages stacking up', 'belonging'),
    ],
    "social-proof": [
        ("\"{quote}.\" Sound familiar?", "You're not alone",
         "Handheld selfie video, creator talking straight to camera", "belonging"),
        ("{segment} told us: {pain}.", "So we listened",
         "Montage of voice notes and messages on a phone screen", "belonging"),
        ("What {segment} say about {pain}", "Straight from them",
         "Quick cuts of different people nodding", "trust"),
        ("We asked {segment} what they need.", "Here's what they said",
         "Notebook full of handwritten interview notes", "trust"),
        ("Real {segment} on {pain}", "Unscripted and unedited",
         "Shaky phone footage of a real kitchen at dawn", "authenticity"),
        ("\"{quote}.\" We hear you.", "Same here",
         "Creator reads a message aloud from their phone", "empathy"),
        ("What {segment} want: {desire}", "Built around you",
         "Sticky notes on a wall, one circled in marker", "belonging"),
        ('"{quote}," said one of them.', 'Their words, not ours',
         'Handwritten quote card held to camera', 'trust'),
        ('Heard from {segment}: {desire}', 'Real requests',
         'Voice memo waveform on a phone screen', 'belonging'),
        ('Why {segment} stopped accepting {pain}', 'What changed',
         'Before and after of the same kitchen shelf', 'trust'),
        ('{segment} keep saying "{quote}"', 'We wrote it down',
         'Marker writing a quote on a whiteboard', 'belonging'),
        ('Ask {segment} about {pain}', 'Then ask them now',
         'Street interview, microphone held out', 'authenticity'),
        ('Overheard from {segment}: {problem}', 'Sound like you?',
         'Two friends chatting on a park bench', 'recognition'),
    ],
    "curiosity": [
        ("The small change behind {desire}", "Easy to miss",
         "Macro shot of a hand adjusting something just out of frame", "curiosity"),
        ("{pain}: the part nobody mentions", "Easy to overlook",
         "A door opens slowly onto a dark room", "curiosity"),
        ("The real reason behind {pain}", "Not what you'd guess",
         "Question mark drawn on a fogged mirror", "curiosity"),
        ("Before {desire}, try this first.", "Quick routine check",
         "Timer app being set, thumb hovering over start", "anticipation"),
        ("Rethinking {pain}? Start right here.", "A fresh look",
         "Whiteboard wiped clean in one stroke", "curiosity"),
        ("Ever wondered about {pain}?", "Let's unpack it",
         "Creator raises an eyebrow, cut to black", "curiosity"),
        ("The question {segment} keep asking", "We have thoughts",
         "Phone screen scrolling through typed questions", "curiosity"),
        ('Why does {pain} keep happening?', "Here's the thing",
         'Slow zoom on a puzzled face', 'curiosity'),
        ('One question about {pain}', 'Think about it',
         'Single question mark on a sticky note', 'curiosity'),
        ("{problem}. Here's why.", 'The reason might surprise',
         'Lightbulb flickers on in a dim room', 'curiosity'),
        ('What {segment} get wrong about {desire}', 'Common mix-up',
         'Crossed-out note, then a corrected one', 'curiosity'),
        ('The overlooked side of {desire}', 'Look closer',
         'Camera pans behind an object on a shelf', 'curiosity'),
        ('How {segment} actually handle {pain}', 'Peek inside',
         'Over-the-shoulder shot of a routine', 'curiosity'),
    ],
    "aspirational": [
        ("Picture {desire} for a change.", "That could be you",
         "Golden-hour shot of someone moving easily outdoors", "aspiration"),
        ("What {desire} can look like", "Your next chapter",
         "Wide shot of a bright, open morning routine", "aspiration"),
        ("Made for {desire}, every week.", "Your goal, your pace",
         "Packed gym bag by the door at sunrise", "aspiration"),
        ("Here's to {desire}, your way.", "Raise the bar",
         "Friends clink water bottles after a session", "joy"),
        ("Imagine {desire}, without the guesswork.", "Plan it, live it",
         "Clean desk, planner open, coffee steaming", "aspiration"),
        ("For {segment} chasing {desire}", "Keep going",
         "Tracking shot following someone mid-stride", "ambition"),
        ("Your routine, built for {desire}", "Small steps count",
         "Hands lacing shoes, cut to the open road", "aspiration"),
        ('Next season: {desire}', 'Plan for it',
         'Calendar flipped forward, a date circled', 'aspiration'),
        ('{desire}. Starting tonight.', 'Tonight counts',
         'Evening lamp clicks on beside a calm chair', 'hope'),
        ('Less {pain}, more {desire}', 'Trade up',
         'Scale tipping from one side to the other', 'aspiration'),
        ('Picture your week without {pain}', 'Lighter already',
         'Empty calendar blocks filling with plans', 'relief'),
        ('{segment} who got to {desire}', 'It happens',
         'Montage of small everyday wins', 'pride'),
        ('From {pain} to {desire}', 'Small steps',
         'Footprints in sand heading out of frame', 'aspiration'),
    ],
    "contrarian": [
        ("Stop accepting {pain} as normal.", "Rethink the routine",
         "Someone shrugs at the camera, then stops mid-shrug", "surprise"),
        ("Unpopular opinion: stop glorifying {pain}.", "Hot take",
         "Creator holds up a handwritten sign to camera", "surprise"),
        ("Pushing through {pain}? Rethink that.", "Pause for a moment",
         "Freeze-frame on someone gritting their teeth", "pattern interrupt"),
        ("Toughing out {pain}? Don't.", "Try this instead",
         "Crowd of voices, then silence and a single face", "pattern interrupt"),
        ("Forget the advice on {pain}", "A different take",
         "Old advice on sticky notes being peeled off a wall", "surprise"),
        ("More grit won't fix {pain}.", "Skip the grind",
         "Close-up of clenched fists slowly relaxing", "relief"),
        ("Quit treating {pain} as given.", "Change the default",
         "A settings toggle flips from on to off", "surprise"),
        ("{problem}? That's not normal.", 'Question the default',
         'Creator shakes head slowly at camera', 'surprise'),
        ('Nobody should live with {pain}.', 'Not a badge',
         'Trophy pushed off a shelf', 'indignation'),
        ('Everyone says {pain} is fine. No.', 'We disagree',
         'A nodding crowd, one person stops nodding', 'surprise'),
        ('{segment}, stop apologising for {pain}.', 'Own your week',
         'Creator closes a laptop firmly', 'vindication'),
        ('Hot take: {desire} needs less effort.', 'Work smarter',
         'Creator raises one eyebrow and smiles', 'surprise'),
        ('The myth behind {pain}', 'Bust it',
         'Old poster torn down from a wall', 'surprise'),
    ],
    "authority": [
        ("The mechanics of {pain}, explained", "Know the why",
         "Clean diagram sketched by hand on white paper", "trust"),
        ("How to think about {pain}", "The short version",
         "Creator at a desk with a notepad, pen ready", "clarity"),
        ("A quick explainer on {pain}", "Worth a minute",
         "Title card in the brand colours, then a whiteboard", "clarity"),
        ("Do your homework on {pain}", "Then decide",
         "Stack of notes and an open laptop, tidy desk", "trust"),
        ("Understand {pain} before buying anything", "Decide with facts",
         "Checklist being ticked off with a pen", "trust"),
        ("What to know about {pain}", "Facts, not hype",
         "Creator counts points off on their fingers", "clarity"),
        ("A clear plan for {pain}", "No hype, just method",
         "Top-down shot of a plan being written out", "control"),
        ('Three questions to ask about {pain}', 'Ask these first',
         'Hand writes a short list on a notepad', 'clarity'),
        ('What {segment} should know about {desire}', 'Know this',
         'Creator at a desk, notes in frame', 'trust'),
        ("{problem}: here's what helps.", 'Practical notes',
         'Whiteboard list with one item underlined', 'clarity'),
        ('The method behind {desire}', 'Step by step',
         'Top-down shot of steps laid out in order', 'control'),
        ('Questions about {pain}? Start here.', 'Plain answers',
         'Creator gestures to an on-screen list', 'trust'),
        ('Learn what causes {pain}', 'Understand it',
         'Hand-drawn diagram, arrows between boxes', 'clarity'),
    ],
    "comparison": [
        ("Old way: {pain}. New way?", "Meet the upgrade",
         "Split screen: cluttered routine left, clean routine right", "contrast"),
        ("{pain}, handled the old way?", "There's a simpler route",
         "Dusty old gear pushed to the back of a cupboard", "contrast"),
        ("Ignoring {pain}? Try this instead.", "Old way vs new",
         "Someone turns away from the camera, then turns back", "contrast"),
        ("{segment}: old routine or new?", "You pick",
         "Two doors side by side, a hand hovering between them", "choice"),
        ("Old routine out, {desire} in", "Same week, new plan",
         "Old routine crossed out on a whiteboard, new one written", "contrast"),
        ("{pain} last month. This month?", "Side by side",
         "Split screen of the same morning, two different moods", "contrast"),
        ("Doing nothing about {pain}?", "Now the new way",
         "Black-and-white footage turning to colour", "contrast"),
        ('{pain}, or {desire}? Choose.', 'Your call',
         'Two paths split at a fork in a trail', 'choice'),
        ('Same week, minus {pain}', 'Spot the change',
         'Side-by-side of the same desk, one tidier', 'contrast'),
        ('Old habit: {pain}. New one?', 'Swap it',
         'Old habit card flipped over to a blank side', 'contrast'),
        ('Your routine versus {pain}', 'Who wins',
         'Boxing-style title card, playful', 'contrast'),
        ('{segment}: the old fix or this?', 'Compare for yourself',
         'Two boxes on a table, hand hovers', 'choice'),
        ("{problem}. There's another way.", 'The other way',
         'Door opens onto a brighter room', 'contrast'),
    ],
    "identity": [
        ("For {segment} who won't slow down", "This one's yours",
         "Fast cuts of people on the move, each glancing at camera", "identity"),
        ("{segment}, this one's for you.", "Made with you in mind",
         "Creator points straight down the lens", "identity"),
        ("Built by listening to {segment}", "Your words, our design",
         "Hands sketching on a notepad, post-its all around", "belonging"),
        ("A routine made for {segment}", "Fits your week",
         "Day-in-the-life montage, morning to night", "identity"),
        ("{segment} know {pain} too well.", "We get it",
         "Knowing look to camera, slight smile", "belonging"),
        ("Calling all {segment}, listen up", "Yes, you",
         "Megaphone held up in a sunny street", "identity"),
        ("{segment}, make room for {desire}.", "Claim your time",
         "Someone closes a laptop and steps outside", "pride"),
        ('Made for {segment} with {pain}', 'Sounds like you',
         'Creator nods knowingly at camera', 'identity'),
        ('{segment} deserve {desire}, too', "You've earned it",
         'Creator relaxes into a chair, smiling', 'pride'),
        ('If you say "{quote}", hi.', 'This is you',
         'Creator waves, casual and friendly', 'belonging'),
        ('Proudly made for {segment}', 'No apologies',
         'Bold title card in brand colours', 'identity'),
        ('{segment} who want {desire}, look', "This one's yours",
         'Creator leans toward camera', 'identity'),
        ('For {segment} tired of {pain}', 'We see you',
         'Knowing glance to camera', 'belonging'),
    ],
    "urgency": [
        ("Another week of {pain}?", "Start this week",
         "Calendar page turning, the same note on every day", "soft urgency"),
        ("Why wait out {pain}?", "Your move",
         "Clock hands moving, then a hand reaching for the door", "soft urgency"),
        ("This week: {desire}, finally.", "No time like now",
         "Sunrise timelapse over a quiet street", "momentum"),
        ("Tackle {pain} today, not someday", "Why not today",
         "Curtains pulled open to bright light", "momentum"),
        ("{segment}: {offer} has a real end date.", "While it lasts",
         "Offer details on a card, a calendar behind it", "real deadline"),
        ("{segment}, {offer} is on for now.", "Don't miss it",
         "Hand circling a date on a wall calendar", "real deadline"),
        ("Still putting off {desire}?", "Small step, today",
         "Unopened box on a shelf, slowly pushed into frame", "soft urgency"),
        ("Don't let {pain} win again", "Take action today",
         "Someone ties their laces with a determined look", "momentum"),
        ('Start {desire} this week.', 'This week',
         'Hand flips a calendar to today', 'momentum'),
        ('{pain} again tomorrow? Act tonight.', 'Act tonight',
         'Clock on a bedside table, lamp on', 'soft urgency'),
        ('Give {desire} a start today.', 'Begin today',
         'Shoes by the door, morning light', 'momentum'),
        ('{segment}: less waiting, more {desire}', 'Start now',
         'Hourglass flipped, then set aside', 'momentum'),
        ('Put {pain} behind you sooner.', 'Why not now',
         'Rear-view shot of a road receding', 'soft urgency'),
        ('Tonight, skip {pain}.', 'Your evening back',
         'Evening routine on a quiet couch', 'momentum'),
    ],
    "objection": [
        ("\"{objection}\"? Fair question.", "Here's our answer",
         "Creator reads a skeptical comment on their phone", "reassurance"),
        ("Tried everything for {pain}?", "Skeptics welcome",
         "Drawer full of abandoned gadgets slides open", "reassurance"),
        ("\"{objection}.\" We get it.", "Then we looked",
         "Raised eyebrow, cut to a close product look", "reassurance"),
        ("Not sure {product} suits {segment}?", "Fair question",
         "Creator tilts their head, unconvinced, at camera", "reassurance"),
        ("{segment}, got doubts? Let's talk.", "Ask us anything",
         "Comment bubbles pop up around the creator", "openness"),
        ("\"{objection}\"? Let's see.", "Put it to the test",
         "Hands unbox the product on a plain table", "reassurance"),
        ("The honest answer to \"{objection}\"", "No spin",
         "Creator sits down, looks straight at camera", "trust"),
        ('{question} Fair question.', "Here's our answer",
         'Creator reads a comment aloud', 'reassurance'),
        ('{question} Straight answer.', 'No spin',
         'Creator looks up from phone, answers', 'trust'),
        ('"{objection}." Let\'s answer that.', 'Straight answer',
         'Comment pinned on screen, creator replies', 'reassurance'),
        ('Heard "{objection}"? Us too.', 'We checked',
         'Creator shrugs, then holds up the product', 'openness'),
        ("{question} Let's see.", 'Watch this',
         'Hands set the product on a table', 'reassurance'),
        ('Asked a lot: {question}', 'Good question',
         'Question card slid across a table', 'openness'),
    ],
    GENERIC: [
        ("Here's how {product} fits your week", "See it in action",
         "Product on a table, a hand reaches in", "interest"),
        ("A closer look at {product}", "Up close",
         "Slow macro pan across the product", "interest"),
        ("{product}, made for {segment}", "Made with care",
         "Product placed into a bag by the door", "identity"),
        ("Your routine, rethought by {product}", "A fresh routine",
         "Cluttered shelf cleared, one product left", "interest"),
        ("Say hello to {product}, everyone", "Nice to meet you",
         "Product slides into frame on a clean background", "interest"),
        ("Designed around {desire}, from the start", "Built around you",
         "Sketches on paper dissolving into the product", "aspiration"),
        ("Let's talk about {pain}, honestly", "Real talk",
         "Creator sits on a couch, relaxed, talking to camera", "recognition"),
        ("Something new for {segment}", "Take a look",
         "Box lid lifts to reveal the product", "curiosity"),
        # more reserve lines on the segment's words: each angle of a run draws on its own share of them
        ("{segment}, please meet {product}.", "Say hello",
         "Product handed across a kitchen table", "interest"),
        ("Built with {segment} in mind", "Made for you",
         "Notebook sketches beside the product", "identity"),
        ("Where {desire} starts", "Small beginnings",
         "First light through a window onto a tidy shelf", "aspiration"),
        ("Notes on {desire}, briefly", "Worth a read",
         "Handwritten note tucked into a box", "interest"),
        ("On {pain}, plainly", "Straight talk",
         "Creator sits at a table, mug in hand", "recognition"),
        ("{pain}: a closer look", "Look again",
         "Camera moves in on hands using the product", "curiosity"),
    ],
}


HOOK_TEMPLATES: tuple[HookTemplate, ...] = (
    # ids from the line's own text, never its place in the list: reordering changes no id or content key
    *(HookTemplate(id=f"{angle}-{digest(text, 6)}", angle=angle, text=text, caption=caption, visual=visual,
                   trigger=trigger, family=f"{angle}-{digest(text, 6)}")
      for angle, rows in _ROWS.items()
      for text, caption, visual, trigger in rows),
    *(HookTemplate(id=tid, angle=tid[: tid.rindex("-c")], text=text, caption=caption, visual=visual,
                   trigger=trigger, family=family, register=register)
      for tid, family, register, text, caption, visual, trigger in composed_rows()),
)


def templates_for(angle_id: str) -> list[HookTemplate]:
    """The angle's own templates; an unknown angle id gets the generic ones."""
    own = [t for t in HOOK_TEMPLATES if t.angle == angle_id]
    return own or [t for t in HOOK_TEMPLATES if t.angle == GENERIC]


def generic_templates() -> list[HookTemplate]:
    return [t for t in HOOK_TEMPLATES if t.angle == GENERIC]
