"""The ``autograd-lite`` command-line application: ``cli`` (the commands), ``program`` (the safe little
language of ``autograd-lite graph``) and ``demo`` (the main job). It uses the engine; the engine never
imports it.
"""
