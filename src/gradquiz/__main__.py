from gradquiz.cli import main

main()
