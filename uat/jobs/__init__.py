"""One function per command (`uat.jobs.commands`): a request (target, width, `Settings`) in,
a result out, for a target of one input or two.

The modules beneath: `request` (the target and the settings), `choice` (which network a
request over the plane builds), `fitting` (one network, built or trained, and measured),
`comparison`, `rates` (error against width), `naming` (default file names), `records` (the
JSON schema every dimension shares), `scenes` (animations as data), `depth`, `export`. The
CLI, the gallery, notebooks and Python callers share them; nothing here draws.
"""
