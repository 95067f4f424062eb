from audio_artigo.cli import main

main()
