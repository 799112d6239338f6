"""code-maat compatibility: read a "git2" log, run code-maat's analyses, write its CSV.

One module per concern: ``log`` parses, ``transform`` applies --group, --team-map and
--temporal-period, one module per analysis family, ``csvout`` writes CSV exactly as
code-maat's clojure.data.csv output does. ``analyses.ANALYSES`` maps names to functions.
"""
