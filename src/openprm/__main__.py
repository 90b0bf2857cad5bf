from openprm.cli import main

main()
