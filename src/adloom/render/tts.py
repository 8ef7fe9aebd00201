"""Voice-over for animatics: eSpeak NG, offline, when it is installed; otherwise a silent track.

eSpeak NG is a Debian/Ubuntu/Homebrew package (``apt-get install espeak-ng``), not a PyPI one, so a
pip-only install has no voice: the track is then silence of the exact length and the asset says so.
Each beat's line is placed at the beat's start; a line longer than its beat is re-spoken faster, then cut.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from adloom.types import Beat

RATE = 22050            # eSpeak NG's output rate; the silent track uses it too
WORDS_PER_MINUTE = 170
MAX_WPM = 320
INSTALL_HINT = "install eSpeak NG for a voice-over (Debian/Ubuntu: apt-get install espeak-ng)"


@dataclass(frozen=True)
class Track:
    path: Path
    engine: str | None           # "espeak-ng", or None for silence
    note: str | None = None      # why there is no voice, when there is none


def find_espeak() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


async def _speak(exe: str, text: str, out: Path, wpm: int, timeout: float) -> bytes:
    """Mono 16-bit PCM frames of ``text`` at ``wpm`` words per minute."""
    proc = await asyncio.create_subprocess_exec(
        exe, "-w", str(out), "-s", str(wpm), "--", text,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        raise
    if proc.returncode != 0:
        raise RuntimeError(err.decode(errors="replace").strip() or f"exit {proc.returncode}")
    with wave.open(str(out), "rb") as wav:
        if wav.getframerate() != RATE or wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise RuntimeError("unexpected eSpeak NG output format")
        return wav.readframes(wav.getnframes())


async def _beat_audio(exe: str, beat: Beat, tmp: Path, index: int, timeout: float) -> bytes:
    length = int((beat.end - beat.start) * RATE) * 2
    wpm = WORDS_PER_MINUTE
    pcm = await _speak(exe, beat.voiceover, tmp / f"beat{index}.wav", wpm, timeout)
    if len(pcm) > length and wpm < MAX_WPM:
        wpm = min(MAX_WPM, int(wpm * len(pcm) / length * 1.05) + 1)
        pcm = await _speak(exe, beat.voiceover, tmp / f"beat{index}.wav", wpm, timeout)
    return pcm[:length]


def _write(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm)


async def voice_track(beats: list[Beat], duration: float, out: Path, *, voice: bool = True,
                      timeout: float = 30.0) -> Track:
    """A WAV of exactly ``duration`` seconds with each beat's voice-over at its start time."""
    total = bytearray(int(duration * RATE) * 2)
    exe = find_espeak() if voice else None
    if exe is None:
        _write(out, bytes(total))
        return Track(out, None, "voice-over disabled" if not voice
                     else f"no offline TTS engine found: the animatic has a silent track; {INSTALL_HINT}")
    try:
        with tempfile.TemporaryDirectory(prefix="adloom-tts-") as tmp:
            spoken = [b for b in beats if b.voiceover.strip()]
            clips = await asyncio.gather(*(_beat_audio(exe, b, Path(tmp), i, timeout)
                                           for i, b in enumerate(spoken)))
    except (RuntimeError, OSError, TimeoutError) as exc:
        _write(out, bytes(total))
        return Track(out, None, f"eSpeak NG failed ({exc}); the animatic has a silent track")
    for beat, pcm in zip(spoken, clips, strict=True):
        start = int(beat.start * RATE) * 2
        pcm = pcm[: max(0, len(total) - start)]
        total[start:start + len(pcm)] = pcm
    _write(out, bytes(total))
    return Track(out, "espeak-ng")
