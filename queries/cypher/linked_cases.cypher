// Every case linked to a case, and how: through its lead/rider chain ('lead/rider': the lead
// case it rides on, the cases riding on it, and their riders and leads, up to four steps), its
// respondent's identity ('same person': the other cases of the person the respondent record
// was resolved to) or its respondent's family ('family': the cases of the other members).
//
// Parameters:
//   $case_id (string): the case's id (cases.csv case_id).
// Returns: case_id, links (how it is linked, sorted), person_id (its respondent), status, mpp,
// court; one row per linked case, sorted by case_id.
MATCH (c:Case {key: $case_id})
OPTIONAL MATCH (c)-[:RIDES_ON*1..4]-(lr:Case)
WHERE lr <> c
WITH c, collect(DISTINCT lr) AS lead_rider
OPTIONAL MATCH (c)-[:RESPONDENT]->(:Record)-[:SAME_AS]->(p:Person)
               <-[:SAME_AS]-(:Record)<-[:RESPONDENT]-(same:Case)
WHERE same <> c
WITH c, lead_rider, collect(DISTINCT same) AS same_person
OPTIONAL MATCH (c)-[:RESPONDENT]->(:Record)-[:SAME_AS]->(p:Person)-[:IN]->(:Family)
               <-[:IN]-(q:Person)<-[:SAME_AS]-(:Record)<-[:RESPONDENT]-(fam:Case)
WHERE q <> p
WITH c, lead_rider, same_person, collect(DISTINCT fam) AS family
UNWIND [x IN lead_rider | {linked: x, how: 'lead/rider'}]
       + [x IN family | {linked: x, how: 'family'}]
       + [x IN same_person | {linked: x, how: 'same person'}] AS hit
WITH hit.linked AS o, hit.how AS how
ORDER BY how
WITH o, collect(how) AS links
OPTIONAL MATCH (o)-[:RESPONDENT]->(:Record)-[:SAME_AS]->(resp:Person)
RETURN o.key AS case_id, links, resp.key AS person_id, o.status AS status,
       coalesce(o.mpp, false) AS mpp, o.court AS court
ORDER BY case_id
