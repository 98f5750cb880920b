"""Static site generator for the archive of cooperative-alliance conferences.

The build runs in one direction, one module per stage:
config -> content -> validate -> model -> markup -> render -> output (-> serve).
"""
