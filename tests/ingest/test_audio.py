"""Recorded calls transcribed offline: espeak-ng speaks known text, Whisper (tiny.en) writes it back.

Needs the `audio` extra and Debian's espeak-ng; without them the tests skip, saying which is missing.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from adloom.ingest import audio
from adloom.pipeline.ingest import documents

pytest.importorskip("faster_whisper", reason='the audio extra is not installed: pip install "adloom[audio]"')
if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)", allow_module_level=True)

REP = "Hi, thanks for calling. What made you look at recovery tools this year?"
CUSTOMER = ("Honestly, I am so tired of morning stiffness in my shoulders every Sunday. "
            "I just want something quiet that I will actually use at night.")
PAUSE = 2.0


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def wer(reference: str, hypothesis: str) -> float:
    ref = words(reference)
    return Levenshtein.distance(ref, words(hypothesis)) / len(ref)


@pytest.fixture(scope="module")
def call_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two voices with a two-second silence between them, as one 16-bit mono wav."""
    folder = tmp_path_factory.mktemp("call")
    parts = []
    for name, voice, text in (("rep", "en-us", REP), ("customer", "en-us+f3", CUSTOMER)):
        path = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "135", "-w", str(path), text], check=True)
        with wave.open(str(path)) as fh:
            params, frames = fh.getparams(), fh.readframes(fh.getnframes())
        parts.append(frames)
    call = folder / "call.wav"
    with wave.open(str(call), "wb") as out:
        out.setparams(params)
        out.writeframes(parts[0] + b"\x00\x00" * int(params.framerate * PAUSE) + parts[1])
    return call


def encoded(call_wav: Path, suffix: str) -> Path:
    """The same call in another container, made with the ffmpeg that imageio-ffmpeg ships."""
    import imageio_ffmpeg

    target = call_wav.with_suffix(suffix)
    if not target.exists():
        codec = {".mp3": ["-c:a", "libmp3lame"], ".m4a": ["-c:a", "aac"], ".mp4": ["-c:a", "aac"],
                 ".webm": ["-c:a", "libopus"]}[suffix]
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(call_wav), *codec,
                        str(target)], check=True)
    return target


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".m4a", ".mp4", ".webm"])
def test_a_recorded_call_is_transcribed_into_timestamped_turns(call_wav: Path, suffix: str) -> None:
    path = call_wav if suffix == ".wav" else encoded(call_wav, suffix)
    result = audio.read_audio(path.read_bytes(), f"transcripts/call{suffix}")
    assert not result.warnings
    turns = result.documents
    assert [d.speaker for d in turns] == ["Speaker 1", "Speaker 2"], [d.text for d in turns]
    said = " ".join(d.text for d in turns)
    error = wer(f"{REP} {CUSTOMER}", said)
    print(f"\n{suffix}: WER {error:.1%}: {said}")
    assert error <= 0.15
    assert {"tired", "morning", "stiffness", "sunday", "quiet"} <= set(words(turns[1].text))
    # provenance to the second: the customer starts after the rep's words and the pause
    assert re.fullmatch(r"Speaker 2 00:0[5-9]-00:[12]\d", turns[1].provenance.section or ""), turns[1].provenance


def test_a_call_in_the_folder_is_mined_for_pains(call_wav: Path, tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    (folder / "transcripts").mkdir(parents=True)
    shutil.copy(call_wav, folder / "transcripts" / "call.wav")
    (folder / "website").mkdir()
    (folder / "website" / "index.html").write_text("<html><body><h1>Quietly</h1><p>Quietly makes a recovery "
                                                   "device for runners.</p></body></html>")
    from adloom.brand.assemble import brand_object

    docs = asyncio.run(documents(folder)).documents
    brand = brand_object(docs, slug="quietly")
    pains = [e for e in brand.evidence if e.kind == "pain"]
    assert any("morning stiffness" in p.text for p in pains), [p.text for p in pains]
    assert all(p.source.file == "transcripts/call.wav" for p in pains if "stiffness" in p.text)


def test_missing_extra_is_a_warning_naming_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "MODEL_PACKAGE", "no_such_model_package")
    audio._model.cache_clear()
    try:
        result = audio.read_audio(b"RIFF", "transcripts/call.wav")
    finally:
        audio._model.cache_clear()
    assert not result.documents
    assert 'pip install "adloom[audio]"' in result.warnings[0].message


def test_a_tampered_model_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(audio.MODEL_FILES, "config.json", "0" * 64)
    with pytest.raises(audio.AudioUnavailable, match="refusing an unknown model file"):
        audio.model_dir()


def test_turns_split_on_pauses() -> None:
    segments = [audio.Segment(0.0, 2.0, "a"), audio.Segment(2.3, 4.0, "b"), audio.Segment(6.0, 7.0, "c")]
    found = audio.turns(segments)
    assert [(t.speaker, t.text, t.start, t.end) for t in found] == [("Speaker 1", "a b", 0.0, 4.0),
                                                                     ("Speaker 2", "c", 6.0, 7.0)]
