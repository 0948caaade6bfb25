// A person's family and cases: one row per member of the person's family (the person alone
// when it is in no family), with each member's records and removal cases.
//
// Parameters:
//   $person_id (string): the person's id (persons.csv person_id).
// Returns: family_id (null when in no family), person_id, is_self, record_ids, case_ids and
// cases (one line per case: "id: status, MPP at court"), lists sorted by id.
MATCH (me:Person {key: $person_id})
OPTIONAL MATCH (me)-[:IN]->(f:Family)
OPTIONAL MATCH (f)<-[:IN]-(member:Person)
WITH me, f, collect(member) AS members
UNWIND CASE WHEN size(members) = 0 THEN [me] ELSE members END AS p
OPTIONAL MATCH (r:Record)-[:SAME_AS]->(p)
WITH me, f, p, r
ORDER BY r.key
WITH me, f, p, collect(r.key) AS record_ids
OPTIONAL MATCH (p)<-[:SAME_AS]-(:Record)<-[:RESPONDENT]-(c:Case)
WITH me, f, p, record_ids, c
ORDER BY c.key
WITH me, f, p, record_ids,
     collect(c.key) AS case_ids,
     collect(c.key + ': ' + coalesce(c.status, 'no status')
             + CASE WHEN c.mpp = true THEN ', MPP' ELSE '' END
             + coalesce(' at ' + c.court, '')) AS cases
RETURN f.key AS family_id, p.key AS person_id, p = me AS is_self, record_ids, case_ids, cases
ORDER BY person_id
