;; A minimal stand-in for the parts of incanter.core 1.5.7 that code-maat calls.
;; Incanter is not packaged in Debian and Clojars is unreachable here; this file
;; reproduces the documented behaviour of the functions code-maat uses (datasets
;; are records of column names and row maps; $group-by groups with clojure.core/
;; group-by and pours the groups into a map, so group order is Clojure's own map
;; order, as in incanter). It is a test-oracle harness, never part of archscan.
(ns incanter.core)

(defrecord Dataset [column-names rows])

(defn- row-map [cols row]
  (cond
    (map? row) row
    (sequential? row) (zipmap cols row)
    :else {(first cols) row}))

(defn dataset [column-names data]
  (->Dataset (vec column-names) (vec (map #(row-map column-names %) data))))

(defn to-dataset [data]
  (cond
    (instance? Dataset data) data
    (empty? data) (->Dataset [] [])
    (map? (first data)) (->Dataset (vec (keys (first data))) (vec data))
    :else (dataset (range (count (first data))) data)))

(defn col-names [ds] (:column-names ds))

(defn nrow [ds] (count (:rows ds)))

(defn- submap [row cols]
  (let [ks (if (coll? cols) cols [cols])]
    (zipmap ks (map #(get row %) ks))))

(defn $
  ([cols ds]
   (if (coll? cols)
     (dataset cols (map #(submap % cols) (:rows ds)))
     (let [values (map #(get % cols) (:rows ds))]
       ;; incanter returns the bare value when there is a single row
       (if (= 1 (count values)) (first values) values)))))

(defn- matches? [row query]
  (every? (fn [[k v]]
            (let [x (get row k)]
              (if (map? v)
                (every? (fn [[op arg]]
                          (case op
                            :$fn (arg x)
                            (throw (IllegalArgumentException. (str "unsupported " op)))))
                        v)
                (= x v))))
          query))

(defn $where [query ds]
  (let [keep? (if (fn? query) query #(matches? % query))]
    (dataset (:column-names ds) (filter keep? (:rows ds)))))

(defn $order [cols order ds]
  (let [key-cols (if (coll? cols) cols [cols])
        key-fn (fn [row] (into [] (map #(get row %) key-cols)))
        comp-fn (if (= order :desc)
                  (comparator (fn [a b] (pos? (compare a b))))
                  compare)]
    (dataset (:column-names ds) (sort-by key-fn comp-fn (:rows ds)))))

(defn $group-by [cols ds]
  (let [names (:column-names ds)
        groups (group-by #(submap % cols) (:rows ds))]
    (into {} (for [[k rows] groups] {k (dataset names rows)}))))

(defn to-list [ds]
  (map (fn [row] (map #(get row %) (:column-names ds))) (:rows ds)))

(defn to-vect [x]
  (if (instance? Dataset x) (vec (map vec (to-list x))) (vec x)))

(defn sel [ds & {:keys [rows cols]}]
  (let [picked (if (and rows (not= rows :all)) (map #(nth (:rows ds) %) rows) (:rows ds))]
    (if cols
      ($ cols (dataset (:column-names ds) picked))
      (dataset (:column-names ds) picked))))
