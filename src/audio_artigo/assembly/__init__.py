"""Assembly: from synthesised clips to a loudness-normalised, chaptered MP3."""
