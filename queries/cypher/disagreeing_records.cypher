// Persons whose records disagree: a resolved person whose records state two or more different
// nationalities, or two or more different dates of birth (missing values are ignored). Such a
// person is worth a look: a wrong merge, or a record with a typo.
//
// Parameters: none.
// Returns: person_id, field ('dob' or 'nationality'), values (the distinct values, sorted),
// record_ids (the records stating a value, sorted); one row per person and field, sorted.
UNWIND ['dob', 'nationality'] AS field
MATCH (r:Record)-[:SAME_AS]->(p:Person)
WHERE r[field] IS NOT NULL
WITH p, field, r[field] AS value, r.key AS record_id
ORDER BY value, record_id
WITH p, field, collect(DISTINCT value) AS values, collect(record_id) AS stated_by
WHERE size(values) >= 2
UNWIND stated_by AS record_id
WITH p, field, values, record_id
ORDER BY record_id
WITH p, field, values, collect(record_id) AS record_ids
RETURN p.key AS person_id, field, values, record_ids
ORDER BY person_id, field
