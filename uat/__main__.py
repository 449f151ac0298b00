from uat.cli import main

main()
