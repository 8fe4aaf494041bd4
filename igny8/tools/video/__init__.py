"""The video creator's tools: a script timed to a format, the offline voice-over, slides, ffmpeg composition,
subtitles timed to the speech and the VideoObject JSON-LD."""
