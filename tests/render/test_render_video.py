"""Animatics: open every MP4 and check codecs, size, duration, frame count and the end card's CTA."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

from adloom.errors import GeneratorUnavailable, RenderError, UnsupportedRequest
from adloom.render import tts
from adloom.render.base import RenderRequest
from adloom.render.colour import parse_colour
from adloom.render.video import AnimaticGenerator, find_ffmpeg, parse_probe, probe
from adloom.types import Script
from tests.render.helpers import COLOURS, SMALL_11, SMALL_916, pixel_contrast

Make = Callable[..., RenderRequest]
FPS = 12


def _video_request(make_request: Make, placement=SMALL_916, **kw: object) -> RenderRequest:  # type: ignore[no-untyped-def]
    concept = make_request().concept
    return make_request(placement, kind="video", script=concept.draft.scripts[0], **kw)


def _last_frame(path: Path, out: Path) -> Image.Image:
    exe = find_ffmpeg()
    import subprocess
    subprocess.run([exe, "-v", "error", "-y", "-sseof", "-0.3", "-i", str(path), "-frames:v", "1", str(out)],
                   check=True)
    with Image.open(out) as img:
        return img.convert("RGB")


@pytest.mark.parametrize("placement", [SMALL_916, SMALL_11])
async def test_animatic_follows_the_script(make_request: Make, tmp_path: Path, placement) -> None:  # type: ignore[no-untyped-def]
    request = _video_request(make_request, placement)
    result = await AnimaticGenerator(fps=FPS).generate(request)
    info = await probe(result.path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert (info.width, info.height) == (placement.width, placement.height)
    assert abs(info.duration - 15) <= 0.5 and result.duration == 15
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(result.path))
    assert abs(frames - 15 * FPS) <= 2 and abs(seconds - 15) <= 0.5
    scenes = result.parameters["scenes"]
    assert [s["kind"] for s in scenes] == [b.kind for b in request.script.beats]     # type: ignore[union-attr]
    # every caption box sits inside the frame and outside the safe zones
    for name, (x0, y0, x1, y1) in result.boxes.items():
        if name.endswith(("caption", "headline", "cta", "subtitle")):
            assert 0 <= x0 < x1 <= placement.width, name
            assert placement.safe_top <= y0 < y1 <= placement.height - placement.safe_bottom, name
    # the end card shows the CTA button: accent fill with readable label where the layout put it
    last = _last_frame(result.path, tmp_path / "last.png")
    box = result.boxes["end_card.cta"]
    x0, y0, x1, y1 = box
    centre = last.getpixel(((x0 + x1) // 2 - (x1 - x0) // 3, (y0 + y1) // 2 - (y1 - y0) // 4))
    accent = parse_colour(COLOURS["accent"])
    assert sum(abs(a - b) for a, b in zip(centre, accent, strict=True)) < 60      # type: ignore[arg-type]
    assert pixel_contrast(last, box) >= 3.0       # label over button survives H.264 at 360 px


async def test_voice_over_or_a_clearly_reported_silent_track(make_request: Make,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts, "find_espeak", lambda: None)
    result = await AnimaticGenerator(fps=FPS).generate(_video_request(make_request, SMALL_11))
    assert result.parameters["voice"] is None
    notes = [f for f in result.findings if f.rule_id == "render.voice_over_missing"]
    assert notes and "silent track" in notes[0].message and "espeak-ng" in notes[0].message
    assert (await probe(result.path)).audio_codec == "aac"


@pytest.mark.skipif(tts.find_espeak() is None, reason="eSpeak NG not installed")
async def test_espeak_voice_over_when_installed(make_request: Make) -> None:
    result = await AnimaticGenerator(fps=FPS).generate(_video_request(make_request, SMALL_11))
    assert result.parameters["voice"] == "espeak-ng"
    assert not [f for f in result.findings if f.rule_id == "render.voice_over_missing"]


async def test_missing_ffmpeg_is_a_typed_error(make_request: Make) -> None:
    gen = AnimaticGenerator(ffmpeg="/nonexistent/ffmpeg")
    with pytest.raises(GeneratorUnavailable, match="imageio-ffmpeg"):
        await gen.generate(_video_request(make_request))


async def test_failing_ffmpeg_is_a_typed_error(make_request: Make, tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'Unknown encoder libx264' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(RenderError, match=r"ffmpeg failed .*Unknown encoder"):
        await AnimaticGenerator(ffmpeg=str(fake)).generate(_video_request(make_request))


async def test_a_request_without_beats_is_refused(make_request: Make) -> None:
    empty = Script(duration=15, hook_id="h1", beats=[])
    with pytest.raises(UnsupportedRequest):
        await AnimaticGenerator().generate(make_request(SMALL_916, kind="video", script=empty))
    with pytest.raises(UnsupportedRequest, match="not image"):
        await AnimaticGenerator().generate(make_request(SMALL_916))


def test_parse_probe_reads_ffmpeg_output() -> None:
    text = ("  Duration: 00:00:15.02, start: 0.000000, bitrate: 120 kb/s\n"
            "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), "
            "1080x1920, 100 kb/s, 24 fps, 24 tbr\n"
            "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 22050 Hz, mono, fltp\n")
    info = parse_probe(text)
    assert (info.duration, info.video_codec, info.audio_codec, info.width, info.height, info.fps) == (
        15.02, "h264", "aac", 1080, 1920, 24.0)


def test_tts_track_is_exactly_the_script_length(tmp_path: Path) -> None:
    import wave

    from adloom.render.fake import fake_concept
    beats = fake_concept().draft.scripts[0].beats     # type: ignore[union-attr]
    track = asyncio.run(tts.voice_track(beats, 15.0, tmp_path / "v.wav", voice=False))
    with wave.open(str(track.path)) as wav:
        assert wav.getnframes() == 15 * tts.RATE
    assert track.engine is None and track.note == "voice-over disabled"
