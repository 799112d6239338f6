from archscan.cli import main

main()
