;; Stub: only the svn parser uses data.zip; the git2 path never calls it.
(ns clojure.data.zip.xml)
(defn xml-> [& _] (throw (UnsupportedOperationException. "svn not supported here")))
(defn xml1-> [& _] (throw (UnsupportedOperationException. "svn not supported here")))
(defn text [& _] nil)
(defn attr [& _] nil)
