;; Stand-in for semantic-csv's slurp-csv (header row -> keyword-keyed maps).
(ns semantic-csv.core
  (:require [clojure.data.csv :as csv]
            [clojure.java.io :as io]))

(defn slurp-csv [f]
  (with-open [r (io/reader f)]
    (let [[header & rows] (doall (csv/read-csv r))
          ks (map keyword header)]
      (doall (map #(zipmap ks %) rows)))))
