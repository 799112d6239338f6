#!/bin/sh
# Run code-maat's own test suite on the shimmed classpath (validates the shim).
# usage: CODEMAAT_SRC=/path/to/code-maat/src run_codemaat_tests.sh
# The svn/xml tests need clojure.data.zip (not packaged in Debian) and are left out.
here=$(cd "$(dirname "$0")" && pwd)
tests="$CODEMAAT_SRC/../test"
cp="$CODEMAAT_SRC:$tests:$here/shim"
for jar in clojure-1.11 data.csv tools.cli clj-time joda-time math.numeric-tower \
           math.combinatorics medley instaparse; do
  cp="$cp:/usr/share/java/$jar.jar"
done
nss=$(cd "$tests" && grep -rh "^(ns " --include=*.clj . | awk '{print $2}' | grep -v -E 'svn|xml|tfs' | tr '\n' ' ')
cd "$CODEMAAT_SRC/.." && exec java -Xss512m -cp "$cp" clojure.main -e \
  "(require 'oracle.main 'clojure.test) (def nss '[$nss]) (apply require nss)
   (let [r (apply clojure.test/run-tests nss)] (println r) (System/exit (+ (:fail r) (:error r))))"
