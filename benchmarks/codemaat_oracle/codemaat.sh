#!/bin/sh
# Run code-maat from its source tree on Debian's Clojure (see README.md here).
# usage: CODEMAAT_SRC=/path/to/code-maat/src codemaat.sh -l LOG -c git2 -a ANALYSIS ...
here=$(cd "$(dirname "$0")" && pwd)
cp="$CODEMAAT_SRC:$here/shim"
for jar in clojure-1.11 data.csv tools.cli clj-time joda-time math.numeric-tower \
           math.combinatorics medley instaparse; do
  cp="$cp:/usr/share/java/$jar.jar"
done
exec java -Xss512m -Xmx2g -Djava.awt.headless=true -cp "$cp" clojure.main -m oracle.main "$@"
