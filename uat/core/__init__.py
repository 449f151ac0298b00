"""The mathematics: targets, activations, networks, constructions, training, errors and bounds.

numpy (and scipy, lazily) only: nothing here draws, prints or knows about commands.
"""
