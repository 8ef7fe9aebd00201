"""Call transcripts: WebVTT, SubRip, or plain ``Speaker: text`` lines; one Document per speaker turn.
Recordings (wav, mp3, m4a, mp4, webm) are transcribed first (``ingest.audio``, the ``audio`` extra).

A cue with a broken timestamp is skipped with a warning naming its line; the rest of the file is kept,
because one bad cue in a long call should not cost the whole call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from adloom.ingest.audio import AUDIO_SUFFIXES, read_audio
from adloom.ingest.decode import free_text
from adloom.ingest.result import IngestResult, make_document
from adloom.screen.injection import prescreen
from adloom.types import Document, IngestWarning, Provenance

_TIME = r"(?:(\d{1,2}):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"^<v(?:\.[^\s>]+)*\s+([^>]+)>(.*?)(?:</v>)?$")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SPEAKER = re.compile(r"^(?:\[(?P<stamp>[^\]]*)\]\s*)?"
                      r"(?P<speaker>[A-Za-z][\w .'&()\-]{0,40}?)\s*:\s+(?P<text>\S.*)$")
_STAMP = re.compile(r"^(?:\d{1,2}:)?[0-5]\d:[0-5]\d(?:[.,]\d{1,3})?$")


@dataclass
class Turn:
    speaker: str | None
    text: str
    line_start: int
    line_end: int


def read_transcript(raw: bytes, relpath: str) -> IngestResult:
    if PurePosixPath(relpath).suffix.lower() in AUDIO_SUFFIXES:      # a recorded call: transcribed offline
        return read_audio(raw, relpath)
    text = free_text(raw, relpath, "a transcript")
    if isinstance(text, IngestResult):
        return text
    warnings: list[IngestWarning] = []
    suffix = PurePosixPath(relpath).suffix.lower()
    if suffix in (".vtt", ".srt"):
        turns = _merge_turns(_cues(text, relpath, warnings, webvtt=suffix == ".vtt"))
    else:
        turns = _plain_turns(text, relpath, warnings)
    documents = _documents(turns, relpath)
    if not documents:
        warnings.append(IngestWarning(file=relpath, message="no transcript turns found; skipped"))
    return IngestResult.of(documents, warnings)


def _cues(text: str, relpath: str, warnings: list[IngestWarning], *, webvtt: bool) -> list[Turn]:
    """Blank-line separated blocks; a block with a timing line is a cue, its following lines the words."""
    cues: list[Turn] = []
    for block in _blocks(text):
        first_line, lines = block[0][0], [line for _, line in block]
        if webvtt and (lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))):
            continue
        timing_index = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing_index is None:
            warnings.append(IngestWarning(file=relpath, line=first_line,
                                          message="not a cue (no 'start --> end' timing line); skipped"))
            continue
        timing_line = block[timing_index][0]
        timing = _TIMING.match(lines[timing_index])
        if not timing or _seconds(timing.groups()[4:]) < _seconds(timing.groups()[:4]):
            warnings.append(IngestWarning(file=relpath, line=timing_line,
                                          message=f"broken cue timestamp {lines[timing_index].strip()!r}; "
                                                  "cue skipped"))
            continue
        words = block[timing_index + 1:]
        if not words:
            continue
        speaker, spoken = _cue_speaker(" ".join(line.strip() for _, line in words))
        if spoken:
            cues.append(Turn(speaker, spoken, words[0][0], words[-1][0]))
    return cues


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _seconds(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = parts
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0) + int(millis or 0) / 1000


def _cue_speaker(text: str) -> tuple[str | None, str]:
    """Speaker from a WebVTT voice tag ``<v Ana>`` or a ``Speaker: text`` prefix; tags stripped."""
    voice = _VOICE.match(text)
    if voice:
        return voice.group(1).strip(), _TAG.sub("", voice.group(2)).strip()
    text = _TAG.sub("", text).strip()
    prefixed = _SPEAKER.match(text)
    if prefixed and not prefixed.group("stamp"):
        return prefixed.group("speaker").strip(), prefixed.group("text").strip()
    return None, text


def _merge_turns(cues: list[Turn]) -> list[Turn]:
    """Subtitle cues split sentences; consecutive cues by the same known speaker are one turn."""
    turns: list[Turn] = []
    for cue in cues:
        previous = turns[-1] if turns else None
        if previous and cue.speaker and previous.speaker == cue.speaker:
            previous.text = f"{previous.text} {cue.text}"
            previous.line_end = cue.line_end
        else:
            turns.append(Turn(cue.speaker, cue.text, cue.line_start, cue.line_end))
    return turns


def _plain_turns(text: str, relpath: str, warnings: list[IngestWarning]) -> list[Turn]:
    """One turn per ``[hh:mm:ss] Speaker: text`` line; unlabelled lines continue the turn above."""
    turns: list[Turn] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        match = _SPEAKER.match(line.strip())
        if match and match.group("stamp") is not None and not _STAMP.match(match.group("stamp").strip()):
            warnings.append(IngestWarning(file=relpath, line=number,
                                          message=f"broken timestamp [{match.group('stamp')}]; line skipped"))
            continue
        if match:
            turns.append(Turn(match.group("speaker").strip(), match.group("text").strip(), number, number))
        elif turns:
            turns[-1].text = f"{turns[-1].text}\n{line.strip()}"
            turns[-1].line_end = number
        else:
            turns.append(Turn(None, line.strip(), number, number))
    return turns


def _documents(turns: list[Turn], relpath: str) -> list[Document]:
    stem = PurePosixPath(relpath).stem
    prescreen(turn.text for turn in turns)      # the call's sentences in one sentence-model batch
    return [
        make_document("transcript", turn.text,
                      Provenance(file=relpath, section=turn.speaker, line_start=turn.line_start,
                                 line_end=turn.line_end),
                      title=f"{stem}: {turn.speaker}" if turn.speaker else stem, speaker=turn.speaker)
        for turn in turns
    ]
