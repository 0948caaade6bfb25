// Mixed-nationality units (contract file mixed_nationality_units.csv): families of two or more
// persons whose members have two or more distinct nationalities (members of unknown nationality
// are ignored), and whether a member is Mexican. A person's nationality is the most frequent
// non-empty nationality of its records; a tie goes to the nationality of the latest record among
// the tied ones ("latest": as_of as ISO text, a missing as_of earliest, then the record key).
//
// Parameters: none.
// Returns: family_id, nationalities (sorted), mexican_member (boolean), record_ids, person_ids
// (lists sorted), one row per flagged family.
MATCH (p:Person)-[:IN]->(f:Family)
WHERE f.size >= 2
MATCH (r:Record)-[:SAME_AS]->(p)
WHERE r.nationality IS NOT NULL
WITH f, p, r
ORDER BY coalesce(r.as_of, ''), r.key
WITH f, p, collect(r.nationality) AS stated
// walk the records oldest first: a nationality at least as frequent as the best so far wins
WITH f, reduce(best = null, x IN stated |
       CASE WHEN best IS NULL
                 OR size([y IN stated WHERE y = x]) >= size([y IN stated WHERE y = best])
            THEN x ELSE best END) AS nationality
ORDER BY nationality
WITH f, collect(DISTINCT nationality) AS nationalities
WHERE size(nationalities) >= 2
MATCH (m:Person)-[:IN]->(f)
WITH f, nationalities, m
ORDER BY m.key
WITH f, nationalities, collect(m.key) AS person_ids
MATCH (r:Record)-[:SAME_AS]->(:Person)-[:IN]->(f)
WITH f, nationalities, person_ids, r.key AS record_id
ORDER BY record_id
WITH f, nationalities, person_ids, collect(record_id) AS record_ids
RETURN f.key AS family_id, nationalities, 'MEX' IN nationalities AS mexican_member,
       record_ids, person_ids
ORDER BY family_id
