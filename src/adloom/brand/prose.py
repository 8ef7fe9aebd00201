"""Miners over the brand's own prose (web pages, docs, transcripts): pains, desires, objections, offers,
proof and product facts, one sentence at a time.

Rules, not a model: each cue is a phrase a strategist would underline, and each miner returns the short
phrase it found together with the sentence span it came from. The phrase is turned into the second
person ("my neck" -> "your neck") so it can be spoken back to the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adloom.brand.mining import proof_points, short_phrase
from adloom.brand.spans import Span

_I = re.I


@dataclass(frozen=True)
class Found:
    kind: str          # pain, desire, objection, proof, fact, offer
    text: str
    span: Span
    answer: str = ""
    answer_span: Span | None = None


# ---------------------------------------------------------------- pains and desires

# A captured phrase after a marker is the pain itself: "tired of {x}", "no more {x}".
_PAIN_CAPTURE = [re.compile(p, _I) for p in (
    r"\b(?:tired|sick|fed up)\s+(?:of|with)\s+(?P<x>.+)",
    r"\bstruggl\w*\s+(?:with|to)\s+(?P<x>.+)",
    r"\b(?:no more|say goodbye to|goodbye,?(?: to)?|bye-bye to|put an end to|the end of)\s+(?P<x>.+)",
    r"^(?P<x>.+?)\s+is the (?:part|thing|bit) (?:nobody|no one) (?:tells|warns) you",
    r"\bif you'?ve ever\s+(?P<x>.+)",
    r"\brather\s+.+?\s+than\s+(?P<x>.+)",
    r"\bi'?m\s+(?P<x>(?:not good|bad|terrible|hopeless)\s+(?:with|at)\s+.+)",
    r"(?<!never )\bused to\s+(?P<x>(?!be\b).+)",
    r"\bthe\s+(?:hardest|worst|toughest|most frustrating)\s+(?:part|thing)\s+(?:is|was|about)\s+(?P<x>.+)",
    r"\bi\s+(?:really\s+)?(?:hate|can'?t\s+stand|dread)\s+(?P<x>.+)",
    r"\b(?:worried|anxious|stressed|nervous)\s+(?:about|that)\s+(?P<x>.+)",
    r"\binstead\s+of\s+(?P<x>.+)",
    r"\bwithout\s+(?:the\s+|any\s+)(?P<x>(?:guesswork|hassle|mess|stress|fuss|jargon|hidden|bloat|crash|drama|"
    r"wait|queue|commute|sticky|greasy|harsh|guilt|overwhelm)\w*.*)",
    r"\b(?:too|so)\s+(?:busy|tired|exhausted)\s+to\s+(?P<x>.+)",
    r"\bkeeps?\s+(?:me|you|them|us)\s+(?:up|awake)\s*(?P<x>.*)",
    # generic copywriting forms of a problem, written from general practice (not from any eval brand)
    r"\bstop\s+(?P<x>\w+ing\b.+)",
    r"\bnever\s+(?P<x>\w+\b.+?)\s+again\b",
    r"\b(?:forget|ditch|skip|escape|banish|cut out)\s+(?P<x>(?:the|your|those|that|all)\s+.+)",
    r"\b(?:the|a|one)\s+(?:problem|trouble|catch|downside|issue)\s+(?:is|was|with)\s+(?P<x>.+)",
    r"^(?P<x>.{8,60}?)\s+(?:is|are|was|were|can be|gets?|feels?)\s+(?:a\s+|an\s+|such a\s+|so\s+|too\s+)?"
    r"(?:nightmare|chore|headache|hassle|exhausting|stressful|overwhelming|confusing|impossible|miserable"
    r"|mess|struggle|the worst|draining|tedious|painful|a pain)\b",
    # the modal stays in the phrase: "can't help him", not "help him", which reads as a wish
    r"\b(?P<x>(?:can'?t|cannot|couldn'?t|unable to)\s+(?!wait\b|believe\b|recommend\b)\w+\b.+)",
    r"\b(?P<x>(?:spend|spent|spending|waste|wasted|wasting|lose|lost|losing)\s+(?:hours|evenings|weekends"
    r"|nights|days|time|money|sleep)\b.+)",
    r"\b(?:afraid|scared|terrified)\s+(?:of|that)\s+(?P<x>.+)",
    # what ends up badly is the subject of the clause: "bagged salad ends up as slime", not "as slime"
    r"(?:^|[,;:]\s*)(?:and\s+|but\s+|then\s+)?(?P<x>[^,;:]*?\b(?:end|ends|ended)\s+up\s+[^,;:]+)",
    r"\b(?:keep|keeps|kept)\s+(?P<x>(?:forgetting|losing|missing|running out|getting|waking|buying|throwing)\b.+)",
    r"\b(?:miss|missed|missing)\s+(?P<x>(?:a|the|another|deadlines?|payments?|bills?|appointments?|doses?"
    r"|meals?)\b.+)",
    r"\b(?:ever|do you ever|have you ever)\s+(?P<x>\w+\b.+)\?$",
    r"\bless\s+(?P<x>\w+(?:\s+\w+)?)\s*,\s*more\b",
    # "so Tuesday night stops being a negotiation" -> "Tuesday night ... a negotiation"
    r"(?:^|,\s*)(?:so\s+|and\s+)?(?P<x>(?:[\w'-]+\s+){1,3}?)stops?\s+being\s+(?P<y>(?:a\s+|an\s+)?\w+)",
)]
# A cue word makes the clause around it a pain.
_PAIN_CUE = re.compile(
    r"\b(?:sore|stiff\w*|ache|aches|aching|hurts?|tight|exhaust\w+|burn(?:ed|t)?\s?out|overwhelm\w*|frustrat\w*"
    r"|confus\w*|guesswork|hassle|annoy\w*|waste[sd]?|wasting|loud|noisy|power drill|jackhammer|in a drawer"
    r"|give up|gave up|gives up|quit|lose track|forget|forgot|stuck|tedious|messy|clutter\w*|bloat\w*"
    r"|itch\w*|flak\w*|breakouts?|dull|dry skin|greasy|expensive|overpriced|hidden fees|late fees|debt"
    r"|no time|never have time|can't find|cannot find|hard to|struggle|stress\w*|anxious|anxiety|lonely"
    r"|insomnia|restless|toss\w* and turn\w*|panic\w*|guilt\w*|sting\w*|tightness|red patches|redness|rash\w*"
    r"|irritat\w*|sleep(?:s|ing)? hot|sweaty|wake up|waking up|nobody tells you|crash(?:es)?|slump"
    r"|picky|tantrums?|leaks?|smell\w*|cold|wilt\w*|dies|died|wrinkl\w*|fines?|penalt\w+|overdue|sensitive"
    r"|pain(?![- ]free)|painful|worn out|drained|bored|boring|lost|late|behind|scramble|scrambling)\b", _I)
_PAIN_BLOCK = re.compile(r"\b(?:not a medical|do not use|don't use|consult|doctor|warranty|refund|return"
                         r"|so you never|you never|no longer|anymore)\b", _I)
_RESULT = re.compile(r"\d\s?%\s+(?:of\s+|said|saw|say|felt|feel|report\w*|agree\w*|recommend\w*|more|less|fewer"
                     r"|faster|had|were|are|would)|\b\d+(?:\.\d+)?\s*(?:x|times)\b|\bout\s+of\s+\d+|\b\d+\s+in\s+\d+\b"
                     r"|\b\d[\d,.]*\+?\s+(?:[\w-]+\s+)?(?:people|customers|members|users|buyers|athletes|runners"
                     r"|reviews|participants|families|households|parents|owners|dogs|businesses|homes|students|riders"
                     r"|homeowners|accounts|teams|companies|clients|patients|subscribers|drivers|sold"
                     r"|on the road)\b", _I)

_DESIRE_CAPTURE = [re.compile(p, _I) for p in (
    r"\b(?:i|you|we|they|people|customers|parents)\s+(?:just\s+|really\s+|only\s+|simply\s+)?want(?:s|ed)?\s+"
    r"(?:to\s+|a\s+|an\s+|something\s+|some\s+)?(?P<x>.+)",
    r"\ball\s+(?:i|you|they)\s+want(?:s|ed)?\s+is\s+(?:to\s+)?(?P<x>.+)",
    # the pseudo-cleft: "What most owners want is a quiet evening"
    r"^what\s+(?:[\w'-]+\s+){0,4}?(?:wants?|needs?|wanted|needed)\s+(?:is|are|was)\s+(?:to\s+)?(?P<x>.+)",
    r"\bi\s+wish\s+(?:i\s+could\s+)?(?P<x>.+)",
    r"\bwould\s+(?:like|love)\s+to\s+(?P<x>.+)",
    r"\bso\s+(?:that\s+)?you\s+can\s+(?P<x>.+)",
    r"\bwho\s+(?:still\s+|just\s+|really\s+)?wants?\s+to\s+(?P<x>.+)",
    r"\bwould\s+rather\s+(?P<x>.+?)\s+than\b",
    r"\b(?:get|got|getting)\s+(?P<x>(?:my|your|their|our)\s+\w+(?:\s+\w+)?\s+back)\b",
    r"^(?P<x>[^,]{4,40}),?\s+(?:finally|at last)[.!]?$",
    r"\b(?:feels?|felt)\s+(?P<x>(?:less|more)\s+\w+)",
    r"\bready\s+to\s+(?P<x>(?:go|train|run|play|race|work|sleep|start|face|take)\b.+)",
    r"\b(?:get|getting|got)\s+back\s+to\s+(?P<x>.+)",
    r"\bmore\s+time\s+(?:for|with)\s+(?P<x>.+)",
    r"\b(?:helps?|help\s+you)\s+(?P<x>(?:feel|move|sleep|stay|keep|get|save|spend|wake|focus|enjoy)\b.+)",
    r"\b(?:finally|at last)\s+(?P<x>.+)",
    r"\bfeel(?:ing)?\s+(?P<x>(?:good|great|looser|better|rested|confident|calm|ready|like yourself|in control)\b.*)",
    r"\bstay\s+(?P<x>(?:on|in|ahead|active|healthy|focused|calm|organi[sz]ed|hydrated)\b.+)",
    r"\bkeep\s+(?P<x>(?:doing|running|playing|training|going|up|your)\b.+)",
    r"\bdream(?:s|ing)?\s+(?:of|about)\s+(?P<x>.+)",
    # generic copywriting forms of an outcome, written from general practice (not from any eval brand)
    r"\b(?:imagine|picture)\s+(?P<x>.+)",
    r"\bwhat if (?:you|we|they) could\s+(?P<x>.+)",
    r"\byou'?ll\s+(?:finally\s+|actually\s+)?(?P<x>(?:have|know|enjoy|spend|see|save|sleep|wake|love|feel"
    r"|be able)\b.+)",
    r"\b(?:be able to|free to|freedom to)\s+(?P<x>.+)",
    r"\b(?P<x>peace of mind\b.*|more time\b.*|more energy\b.*|more sleep\b.*)",
    r"\benjoy\s+(?P<x>(?!the\s+(?:app|product|service)).+)",
    r"\b(?:makes?|making|made)\s+(?P<x>.+?)\s+(?:easy|easier|simple|simpler|effortless|fun|stress-free)\b",
    r"\b(?:looking for|hoping for|hope to|aim to|goal is(?: to)?)\s+(?P<x>.+)",
    r"\bdeserves?\s+(?P<x>.+)",
    r"\bless\s+\w+(?:\s+\w+)?\s*,\s*more\s+(?P<x>.+)",
    r"\b(?P<x>(?:a\s+)?(?:happier|healthier|shinier|calmer|stronger|cleaner|brighter|softer|smoother|fitter"
    r"|lighter|tidier|quieter)\s+(?!than\b)\w+)",
    r"\b(?:knows?|knowing)\s+(?P<x>(?:exactly|what|where|how much|when)\b.+)",
    r"\b(?:no|without)\s+(?:nasty\s+)?surprises?\b(?P<x>.*)",
)]
# phrases that merely describe how the product is used, not what the customer wants
_DESIRE_BLOCK = re.compile(r"^(?:it|this|that|the app|the device|us|one)\b", _I)


_MAX_PER_SENTENCE = 2     # a list sentence ("no more X, no more Y") can hold two; more is usually noise


def pains(span: Span) -> list[Found]:
    sentence = span.text
    if _PAIN_BLOCK.search(sentence):
        return []
    captured = _captures(_PAIN_CAPTURE, sentence)
    if captured:
        return [Found("pain", phrase, span) for phrase in captured]
    cue = _PAIN_CUE.search(sentence)
    if not cue or _RESULT.search(sentence):
        return []
    if sentence.endswith("?") and len(sentence.split()) <= 12 and not _DOUBT_START.match(sentence):
        # "Stinging, tightness and red patches after a new product?": a list question is the pain as a whole
        phrase = short_phrase(sentence.rstrip("?")) or _list_phrase(sentence.rstrip("?"))
        if phrase:
            return [Found("pain", phrase, span)]
    clause = _clause_around(sentence, cue.start(), cue.end())
    phrase = short_phrase(_drop_lead(clause))
    return [Found("pain", phrase, span)] if phrase else []


def desires(span: Span) -> list[Found]:
    return [Found("desire", phrase, span) for phrase in _captures(_DESIRE_CAPTURE, span.text)
            if not _DESIRE_BLOCK.match(phrase)]


def _captures(patterns: list[re.Pattern[str]], sentence: str) -> list[str]:
    """Phrases the patterns capture, in pattern order, none inside another, at most ``_MAX_PER_SENTENCE``."""
    kept: list[str] = []
    for pattern in patterns:
        match = pattern.search(sentence)
        x = match.group("x") if match else ""
        if match and "y" in pattern.groupindex:      # subject and complement: "dinner ... a negotiation"
            x = f"{x.strip()} being {match.group('y')}"
        phrase = short_phrase(x) if x else ""
        if phrase and not _DESIRE_BLOCK.match(phrase) and not any(phrase.lower() in k.lower()
                                                                   or k.lower() in phrase.lower() for k in kept):
            kept.append(phrase)
        if len(kept) == _MAX_PER_SENTENCE:
            break
    return kept


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s[-\u2013\u2014]\s|\b(?:but|because|so|and then|which|while|when)\b", _I)
_LEAD_WORDS = re.compile(r"^(?:and|or|then|honestly|really|also|plus|most|many|some|so|just|that|if)\s+", _I)


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The clause holding the cue: from the last break before it to the first break after it."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right_match = _CLAUSE_BREAK.search(sentence, end)
    right = right_match.start() if right_match else len(sentence)
    return sentence[left:right].strip(" .!?")


def _list_phrase(text: str, max_words: int = 10) -> str:
    """A comma list of symptoms or problems, kept whole up to ``max_words``: short_phrase stops at commas."""
    tokens = text.split()
    return " ".join(tokens[:max_words]).rstrip(" ,") if "," in text and len(tokens) >= 3 else ""


def _drop_lead(clause: str) -> str:
    previous = None
    while previous != clause:
        previous, clause = clause, _LEAD_WORDS.sub("", clause)
    return clause


# ---------------------------------------------------------------- objections

_DOUBT = re.compile(
    r"\b(?:is it|will it|does it|do i|can i|will i|would i|am i|should i|can my|does the|do they|do you|is there"
    r"|what about|what if|how do|how does|how long|how much|worth|really|too|go off|last"
    r"|safe|work for|suit|fit|afraid|sceptic\w*|skeptic\w*|not sure|i'?ve tried|tried everything|doubt"
    r"|expensive|price|cost|complicated|difficult|time|cancel|commit\w*|contract|side effects?|scam)\b", _I)
_DOUBT_STATEMENT = re.compile(
    r"\b(?:i'?m not sure|not sure (?:if|whether|it)|i'?ve tried|i tried|i doubt|worried (?:that|it|about)"
    r"|(?:i'?m|i am|we'?re|i was|we were)\s+(?:a bit\s+|really\s+|so\s+|quite\s+)?(?:worried|afraid|scared"
    r"|nervous|anxious|concerned)"
    r"|you might (?:think|be wondering)|you may be wondering|sounds too good|isn't that|aren't they"
    r"|what's the catch|i don't have time|too expensive|i can't afford)\b", _I)
_DOUBT_START = re.compile(r"^(?:is|are|will|does|do|can|what|how|why|should|would|am)\b", _I)
_ANSWER_LEAD = re.compile(r"^(?:yes|no|yep|nope|absolutely|not at all|good question)[.!,]\s*", _I)


def heading_objection(doc_title: str, body: list[Span]) -> list[Found]:
    """An FAQ heading asked as a question, answered by the text under it."""
    title = doc_title.strip()
    if not title.endswith("?") or not body or not (_DOUBT.search(title) or _DOUBT_START.match(title)):
        return []
    return [Found("objection", doc_title.strip(), body[0], answer=answer_text(body), answer_span=body[0])]


def inline_objections(spans: list[Span]) -> list[Found]:
    """A doubting question, or a doubt stated outright, followed by the sentence that answers it."""
    found: list[Found] = []
    for i, span in enumerate(spans[:-1]):
        question = span.text.endswith("?") and _DOUBT.search(span.text) and len(span.text.split()) >= 3
        if not (question or _DOUBT_STATEMENT.search(span.text)):
            continue
        rest = [s for s in spans[i + 1:i + 3] if not s.text.endswith("?")]
        if rest:
            found.append(Found("objection", span.text, span, answer=answer_text(rest), answer_span=rest[0]))
    return found


def answer_text(spans: list[Span], max_words: int = 40) -> str:
    """The brand's answer: the first sentences, up to ``max_words``; "Yes." alone is not an answer."""
    kept: list[str] = []
    for span in spans:
        if kept and len(" ".join([*kept, span.text]).split()) > max_words:
            break
        kept.append(span.text)
    text = " ".join(kept)
    stripped = _ANSWER_LEAD.sub("", text)
    return stripped or text


# ---------------------------------------------------------------- offers, proof, facts

_OFFER = re.compile(
    r"\bfree\s+(?:[\w-]+\s+){0,2}(?:delivery|shipping|returns?)\b|\b(?:is|are|(?<!can )costs?|for just|only)\s+[$£€]\d"
    r"|\bfirst\s+(?:\w+\s+){1,2}(?:is|are)\s+(?:free|half[- ]price|on us)\b"
    r"|\bfree\s+(?:shipping|delivery|returns?|return shipping|trial|consultation|quote|sample|session|class|lesson"
    r"|month|week|gift|assessment|estimate|first)\b|\b\d+[- ](?:night|day|week|month)\s+(?:free\s+)?trial\b"
    r"|\btrial\b|\bmoney[- ]back\b|\bfull refund\b|\brefund(?:ed)?\b|\bguarantee[ds]?\b|\bwarranty\b"
    r"|\d+\s?%\s+off\b|\b\$\d+\s+off\b|\boff your first\b|\bdiscount\b|\bpromo\b|\bcode\s+[A-Z0-9]{3,}"
    r"|\breturn (?:it |them )?within \d+|(?<![\w$£€])[$£€]\d[\d,]*(?:\.\d\d)?\s*(?:a|an|per|/)\s*[a-z]+"
    r"|(?<![\w$£€])[$£€]\d[\d,]*(?:\.\d\d)?\s+for\s+(?:the|a|an|one|each|your|every)\b"
    r"|\bno\s+(?:setup|set-up|joining|booking|hidden|cancellation|call-out|callout|admin)\s+fees?\b"
    r"|\btry (?:it|them|us)\b.{0,30}\bfor \d+\s+(?:days|nights|weeks)\b"
    r"|\b(?:from|start at|starts at|only|just)\s+[$£€]\d|\bfree for \d+|\bstart free\b|\bhalf[- ]price\b"
    r"|\bcancel (?:\w+ ){0,2}(?:any ?time|whenever)|\b\d+\s+nights\b|\bskip (?:or|,)|\b0% apr\b"
    r"|\bcoupon\b|\bsave\s+(?:\$?\d|up to)|\bfirst\s+(?:box|order|month|lesson|class|session)\s+(?:is\s+)?(?:free|half)"
    r"|\bbundle\b|\bcancel any ?time\b|\bno (?:commitment|contract|lock-?in)\b|\bbuy one\b|\bgift with\b", _I)
_TESTIMONIAL = re.compile(r"^[\"\u201c].{12,}[\"\u201d]?\s*(?:[-\u2014\u2013]\s*[A-Z][\w .,]*)?$"
                          r"|[\"\u201d]\s*[-\u2014\u2013]\s*"
                          r"[A-Z][a-z]+", _I)
_AUTHORITY = re.compile(
    r"\b(?:designed|developed|created|formulated|built|made)\s+(?:with|by|alongside)\s+(?:\w+\s+){0,3}"
    r"(?:therapists?|doctors?|dermatologists?|nutritionists?|dietitians?|engineers?|experts?|vets?|veterinarians?"
    r"|teachers?|scientists?|chefs?|coaches?|physicians?|pharmacists?|accountants?|clinicians?|psychologists?)"
    r"|\b(?:clinically|independently|lab)[- ]tested\b|\bpeer[- ]reviewed\b|\bcertified\b|\baward[- ]?winning\b"
    # vetting and credentials of the people or the process, and a large count of what was done
    r"|\b[\w]+-(?:checked|vetted|accredited|certified|approved|registered|licensed)\b|\b(?:vetted|accredited"
    r"|insured)\b|\b(?:written|reviewed|checked|approved|tested|designed)\s+(?:[\w-]+\s+){0,3}?by\s+(?:an?\s+)?"
    r"(?:independent|clinical|qualified|certified|licensed|registered|accredited|[a-z]+ists?\b|doctors?|experts?)"
    r"|\b(?:over|more than|nearly|almost|across|above)\s+\d{1,3}(?:,\d{3})+\+?\s+[a-z]"
    r"|\btested\s+(?:by|with|on)\b|\btaught by\b|\b(?:qualified|certified|licensed|registered)\s+\w+"
    r"|\bwon\b.*\baward\b|\bawards?\b|\bnamed\b.*\bbest\b|\bfeatured in\b|\btrusted by\b"
    r"|\b(?:our|a|an|the)\s+(?:\d+-week\s+)?(?:study|trial)\s+"
    r"(?:with|of|found)\b|\bsurvey\b|\brated\b|\bstars?\b|\breviews?\b", _I)
_FACT = re.compile(
    r"^[A-Z][\w /&()-]{1,30}:\s+\S|\b(?:is|are)\s+an?\s+(?:\w+[- ]?){0,4}(?:device|app|service|platform|tool|kit"
    r"|subscription|plan|box|serum|cream|supplement|mattress|course|bank|account|card|program|programme|clinic"
    r"|system|blend|formula|meal|food|product|membership|school|studio|software)\b|\b(?:comes with|includes?|"
    r"included|pairs with|pairs over|made (?:from|of|with)|works with|compatible with|available in|contains|"
    r"ingredients?|delivered|ships|powered by|runs on|weighs|battery|charge|dishwasher|machine[- ]washable"
    r"|vegan|organic|gluten[- ]free|cruelty[- ]free|recyclable|refillable|no added|fda|hsa|fsa)\b"
    r"|\b\d[\d,.]*\s*(?:mm|cm|m|kg|g|lb|lbs|oz|ml|l|mah|hours?|hrs?|minutes?|min|days|weeks|months|years|db|w|v"
    r"|inch(?:es)?|in|ft"
    r"|servings?|capsules?|percussions|levels?|speeds?|attachments?|sizes?|colours?|colors?|coils|layers?"
    r"|ingredients|recipes|routines|modes|wh|km/h|mph|km|bit)\b", _I)
_NOT_FACT = re.compile(r"\b(?:you|your|i|i'm|my)\b.*\?$|^(?:do not|don't|never)\b", _I)


def offers(span: Span) -> list[Found]:
    text = span.text
    if _OFFER.search(text) and not re.search(r"\b(?:pain|sugar|fragrance|gluten|cruelty)[- ]free\b", text, _I):
        return [Found("offer", text, span)]
    return []


def proof(span: Span) -> list[Found]:
    text = span.text
    if _RESULT.search(text) or (proof_points(text) and "%" in text and not _is_spec(text)):
        return [Found("proof", text, span)]
    if _TESTIMONIAL.search(text) or _AUTHORITY.search(text):
        return [Found("proof", text, span)]
    return []


def _is_spec(text: str) -> bool:
    """Measurements of the product are facts; results in people are proof."""
    return bool(re.match(r"^[A-Z][\w /&()-]{1,30}:\s", text)) and not re.search(r"%|people|customers|members|users",
                                                                                text, _I)


_SPEC_SECTION = re.compile(r"\b(?:in the box|in a box|included|what you get|specs|specifications|features"
                           r"|ingredients|tech specs|materials|dimensions|how it works|how we work|what makes"
                           r"|different|under the hood|inside|built for|what's in)\b", _I)
_DOES = re.compile(r"^(?:it|they|the app|every \w+|each \w+|(?:the|our|its|all|a|an|your)\s+(?:[\w-]+\s+){{0,2}}?[\w-]+"
                   r"|{name})\s+(?:\w+\s+)?(?:is|are|has|have|uses|use|connects|syncs"
                   r"|sorts|tracks|keeps?|sends|delivers|ships|roasts|cooks|builds|adjusts|caps|schedules|covers"
                   r"|comes|includes|works|pairs|charges|weighs|gives|lasts|holds|fits|folds|sinks?|sits?|moves?"
                   r"|takes?|runs?|arrives?|stays?|can be|costs?|contains?|turns?|reads?|learns?|plugs?|links?"
                   r"|(?!is\b|was\b|has\b|does\b)[a-z]{{3,}}(?<!ss)s)\b")
# a count of something the product has: "800 individually wrapped coils", "12 plant-based recipes"
_COUNTED = re.compile(r"\b\d[\d,.]*\s+(?:[\w-]+\s+){1,2}(?:coils|layers|ingredients|recipes|modes|settings|lessons"
                      r"|games|songs|episodes|workouts|routines|sizes|colou?rs|flavou?rs|meals|portions|programs"
                      r"|programmes|pockets|compartments|zones|sensors|attachments|accounts|categories"
                      r"|languages)\b", _I)


_ACTS = re.compile(r"\b(?:and|then)\s+(?:{name})\s+(?!is\b|was\b|has\b|does\b)[a-z]{{3,}}(?<!ss)s\b"
                   r"|^we\s+(?:pay|send|cover|visit|deliver|collect|fix|ship|install|handle|match|check|book|call"
                   r"|text|email|repair|replace|test|bring|pick|plan|cook|clean|train|review|update|introduce"
                   r"|arrange|file|track|pack|source|grow|make|build|host|run)\b"
                   r"|\byou(?:'ll)?\s+(?:get|receive)\s+(?:a|an|the|your|photos|updates?|reports?|\d)\b")


# a bare plural subject saying what the service's parts or people do: "Refills arrive every eight weeks",
# "Classes run in the evening"; the customer's own plight ("Parents are worn out") is a pain, not a fact
_PLURAL_DOES = re.compile(r"^(?!(?:customers|parents|people|users|clients|families|owners|members|most|many"
                          r"|thanks|yes|always|perhaps|sometimes|news|days|nights|weeks|years)\b)[A-Z][a-z]+(?<!ss)s"
                          r"\s+(?:[\w-]+\s+){0,2}?(?:come|run|cover|include|start|arrive|take|last|fit|ship|sync"
                          r"|visit|have|use|work|cost|go|stay|get|keep|are)\b")


def facts(span: Span, names: frozenset[str] = frozenset()) -> list[Found]:
    text = span.text
    if _PLURAL_DOES.match(text) and not _NOT_FACT.search(text) and 4 <= len(text.split()) <= 40:
        return [Found("fact", text, span)]
    if _SPEC_SECTION.search(span.doc.title) and len(text.split()) <= 25:
        return [Found("fact", text, span)]
    subject = "|".join(re.escape(n) for n in sorted(names) if n) or "(?!)"
    if re.match(_DOES.pattern.format(name=subject), text, _I) and not _NOT_FACT.search(text) \
            and 4 <= len(text.split()) <= 40:
        return [Found("fact", text, span)]
    if re.search(_ACTS.pattern.format(name=subject), text, _I) and not _NOT_FACT.search(text) \
            and 4 <= len(text.split()) <= 40:
        return [Found("fact", text, span)]
    if (_FACT.search(text) or _COUNTED.search(text)) and not _NOT_FACT.search(text) and 3 <= len(text.split()) <= 45:
        return [Found("fact", text, span)]
    return []
