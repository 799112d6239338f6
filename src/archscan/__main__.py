from archscan.startup import main

if __name__ == "__main__":
    main()
