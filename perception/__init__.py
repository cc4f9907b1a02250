"""What the robot perceives: CNN image encoders, the object detector, and the language
and gesture command encoders.

The first world (issue 2) observes state vectors and structured commands, which
``policies.factory`` flattens directly; image and command encoders arrive here with the
pixel observation modes and the command encoders.
"""
