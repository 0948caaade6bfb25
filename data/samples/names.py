"""Name data for the synthetic MPP bundle generator.

Frequency-weighted given names and surnames as plain Python data. Weights are relative
frequencies (roughly per 10,000 people in the region), hand-set from the usual rankings of
common surnames and given names in Central America, Cuba, the Andes, Mexico and Brazil: a few
names are very common (Hernández, López, García ...) and a long tail is rare. They are made up
for synthetic data; no real person's name is copied from any record.

Tables are written as ``"name:weight|name:weight"`` strings and parsed once at import by
:func:`table`, which keeps this module short and easy to extend.

Examples
--------
>>> table("Ana:3|María José:2")
(('Ana', 3.0), ('María José', 2.0))
"""

from __future__ import annotations


def table(spec: str) -> tuple[tuple[str, float], ...]:
    """Parse ``"name:weight|name:weight"`` (newlines allowed) into ``(name, weight)`` pairs."""
    pairs = []
    for item in spec.replace("\n", "|").split("|"):
        item = item.strip()
        if item:
            name, weight = item.rsplit(":", 1)
            pairs.append((name.strip(), float(weight)))
    return tuple(pairs)


# --- Hispanic surnames ---------------------------------------------------------------------

#: Surnames common across Central America, the Caribbean and Mexico.
SURNAMES_COMMON = table("""
Hernández:400|López:330|García:300|Martínez:280|Rodríguez:260|Pérez:240|González:240
Ramírez:170|Flores:170|Sánchez:160|Cruz:150|Gómez:140|Reyes:130|Morales:120|Díaz:110
Mejía:100|Castillo:95|Ramos:95|Rivera:90|Ortiz:85|Aguilar:85|Mendoza:80|Vásquez:80
Torres:75|Romero:75|Chávez:70|Álvarez:70|Jiménez:65|Castro:65|Gutiérrez:65|Fernández:60
Ruiz:60|Alvarado:60|Méndez:60|Juárez:55|Moreno:55|Velásquez:55|Santos:50|Vargas:50
Escobar:50|Domínguez:45|Rivas:45|Guzmán:45|Ayala:40|Sandoval:40|Salazar:40|Fuentes:40
Estrada:40|Padilla:40|Maldonado:40|Molina:40|Paz:38|Figueroa:38|Lara:36|Soto:36|Cabrera:36
Contreras:36|Navarro:34|Acosta:34|Campos:34|Cardona:34|Medina:34|Herrera:34|Ávila:32
Guerra:32|Bonilla:32|Pineda:32|Ortega:30|Vega:30|Rojas:30|Delgado:30|Núñez:30|Carranza:28
Córdova:28|Murillo:24|Aguirre:24|Alfaro:24|Solís:24|Espinoza:24|Valle:22|Benítez:22
Bautista:22|Cortez:22|Arias:22|Muñoz:22|Guevara:22|Cano:20|Chacón:20|Barrientos:20
Cáceres:20|Carrillo:20|Durán:20|Luna:20|Miranda:20|Rosales:20|Sosa:20|Marroquín:20
Henríquez:20|Duarte:18|Gálvez:18|Girón:18|Hidalgo:18|Lobo:18|Lozano:18|Melgar:18|Meza:18
Montoya:18|Palacios:18|Salinas:18|Valladares:18|Valdez:18|Zamora:18|Calderón:18|León:18
Mora:18|Peña:18|Cerna:18|Batres:18|Franco:16|Godoy:16|Ochoa:16|Orozco:16|Pacheco:16
Robles:16|Marín:16|Oliva:16|Ponce:16|Quintanilla:16|Quiroz:16|Recinos:16|Sierra:16
Valencia:16|Ventura:16|Villalobos:16|Zavala:16|Fajardo:16|Fonseca:16|Coto:16|Machado:16
Andrade:14|Arévalo:14|Barrera:14|Beltrán:14|Cordero:14|Escalante:14|Gallardo:14
Ibarra:14|Izaguirre:14|Lima:14|Mata:14|Montes:14|Pinto:14|Serrano:14|Tejada:14|Trejo:14
Urbina:14|Velázquez:14|Zepeda:14|Umaña:14|Saravia:14|Paredes:14|Interiano:14|Nolasco:14
Ávalos:12|Barillas:12|Bermúdez:12|Blanco:12|Cisneros:12|Granados:12|Linares:12|Quezada:12
Solórzano:12|Villatoro:12|Alemán:12|Bardales:12|Corrales:12|Gaitán:12|Maradiaga:12
Moncada:12|Pavón:12|Nieto:12|Rosa:12|Segovia:12|Tobar:12|Vallecillo:12|Menjívar:12
Alvarenga:12|Aparicio:10|Calles:10|Cañas:10|Carías:10|Chinchilla:10|Colindres:10
Cuéllar:10|Echeverría:10|Escoto:10|Gámez:10|Gil:10|Laínez:10|Merino:10|Ortez:10
Santamaría:10|Sorto:10|Tovar:10|Irías:10|Rápalo:10|Sevilla:10|Sauceda:10|Tinoco:10
Vides:10|Alas:10|Mondragón:10|Fiallos:10|Martel:8|Najarro:8|Urquía:8|Jovel:8|Bran:8
Hércules:8|Chicas:8|Mancía:8|Galeas:16|Enamorado:16|Suazo:16|Tábora:14|Orellana:45
Portillo:45|Zelaya:45|Argueta:40|Galdámez:28|Zúniga:28|Cárcamo:26|Osorio:26|Lemus:26
Barahona:26|Euceda:24|Cálix:24|Banegas:24|Lagos:24|Matute:22|Amaya:24|Osorto:22
Ordóñez:24|Villeda:22|Cerrato:20|Turcios:20|Discua:18|Guardado:18|Rubio:14|Sáenz:10
Acevedo:12|Aguilera:10|Alonzo:10|Anariba:6|Bustillo:8|Cabañas:8|Centeno:10|Dubón:6
Elvir:6|Funes:8|Garay:8|Leiva:12|Madrid:8|Mayorga:8|Membreño:8|Ocampo:8
Paguada:6|Palma:10|Perdomo:10|Posadas:6|Quiñónez:8|Sabillón:6
Sarmiento:8|Trochez:6|Varela:10|Vijil:4|Yanes:6|Zapata:8
""")

#: Surnames with particles (written with the particle, e.g. ``De la Cruz``).
SURNAMES_PARTICLE = table("""
De la Cruz:40|De León:35|Del Cid:15|De Jesús:15|Del Valle:10|De la Rosa:10
De los Santos:8|De la O:6|De Paz:6|De la Paz:6|De Dios:4|Del Río:4|De la Torre:4
""")

#: Extra regional surnames, by nationality (added to the common table for that country).
SURNAMES_REGIONAL: dict[str, tuple[tuple[str, float], ...]] = {
    "HND": table("""
Zelaya:40|Cálix:20|Banegas:20|Euceda:20|Lagos:18|Matute:16|Osorto:16|Cerrato:14|Turcios:14
Discua:12|Villeda:14|Maradiaga:12|Moncada:12|Fiallos:10|Irías:10|Rápalo:8|Tábora:10
Suazo:12|Izaguirre:10|Mondragón:8|Bardales:10|Sabillón:8|Paguada:6|Trochez:6|Anariba:6
Elvir:6|Dubón:6|Bustillo:8|Velásquez:10|Zúniga:10|Mejía:20|Amador:8|Padilla:8|Chirinos:6
"""),
    "GTM": table("""
Castañeda:14|Cifuentes:12|Monterroso:10|Quiñónez:10|Arriaga:8|Barrios:16|Ajú:6
Mazariegos:10|Monzón:10|Xitumul:6|Juárez:12|Orellana:10|Velásquez:14|Roblero:8|Escobar:10
Recinos:8|Sical:4|Son:4|Chun:4|Ixcot:4|Pú:3|Rosales:8|Santizo:6|Cabrera:8|Tzoy:3
"""),
    "SLV": table("""
Portillo:24|Argueta:22|Orellana:20|Rivas:20|Guardado:14|Chicas:10|Mancía:10|Menjívar:14
Alvarenga:14|Henríquez:12|Quintanilla:12|Ayala:12|Hércules:6|Jovel:6|Alas:8|Sorto:8
Villatoro:10|Amaya:10|Ventura:8|Recinos:8|Laínez:6|Escobar:12|Guevara:10|Ábrego:6
Beltrán:8|Pleitez:4|Cornejo:6|Funes:8|Deras:4|Zepeda:8
"""),
    "CUB": table("""
Fernández:40|Díaz:30|Valdés:24|Suárez:22|Alonso:16|Cabrera:16|Rivero:14|Machado:12
Leyva:10|Betancourt:10|Hechavarría:8|Despaigne:6|Quintana:10|Fonseca:10|Cárdenas:10
Ortega:10|Delgado:12|Pupo:8|Almaguer:6|Borrego:6|Companioni:4|Garcés:6|Hidalgo:8
Infante:6|Iglesias:8|Lorenzo:8|Mesa:8|Milián:6|Naranjo:6|Oquendo:6|Quesada:8|Rosabal:6
Sarduy:4|Sotolongo:4|Toledo:8|Varona:4|Vidal:6|Zaldívar:4|Rizo:4|Batista:8|Brito:6
Casas:6|Estévez:6|Labrada:4|Matos:6|Acosta:10|Guerra:10
"""),
    "VEN": table("""
Marcano:12|Briceño:10|Colmenares:8|Urdaneta:8|Rojas:14|Contreras:12|Medina:12|Mora:10
Parra:10|Quintero:10|Salas:8|Rondón:8|Chirinos:6|Albornoz:6|Guédez:6|Lugo:8|Montilla:6
Zambrano:8|Escalona:6|Barrios:8|Carrasquel:4|Silva:10|Noguera:6|Perdomo:8|Sifontes:4
"""),
    "NIC": table("""
Jarquín:10|Obando:10|Lacayo:6|Chamorro:6|Espinoza:14|Gutiérrez:12|Téllez:8|Zeledón:8
Aráuz:8|Blandón:8|Somarriba:4|Castellón:6|Guido:6|Mairena:6|Membreño:6|Rugama:6
Sequeira:6|Úbeda:6|Urbina:8|Vanegas:8|Carcache:4|Dávila:6|Munguía:6|Picado:4
"""),
    "ECU": table("""
Vera:12|Zambrano:14|Cedeño:12|Loor:8|Macías:10|Yánez:8|Quishpe:10|Guamán:10|Morocho:8
Tenesaca:6|Pulla:6|Sigcho:4|Chimbo:4|Guanoluisa:4|Villacís:6|Andrade:10|Moreira:8
Ponce:8|Montalvo:6|Vélez:10|Bravo:8|Chiriboga:4|Naula:6|Tapia:8|Cajamarca:4|Lema:6
Pilco:4|Tixi:3|Cando:4
"""),
    "COL": table("""
Ospina:10|Restrepo:10|Cardona:10|Giraldo:10|Zuluaga:8|Muñoz:14|Rojas:12|Moreno:12
Jiménez:12|Vargas:12|Castaño:8|Gaviria:6|Londoño:8|Arango:8|Valencia:8|Quintero:8
Marulanda:4|Henao:6|Hoyos:6|Montoya:8|Patiño:6|Betancur:6|Agudelo:6|Ríos:10|Bedoya:6
Uribe:6|Duque:6|Ocampo:6
"""),
    "PER": table("""
Quispe:30|Huamán:18|Mamani:16|Condori:12|Ccahuana:4|Chávez:14|Ramos:12|Vásquez:12
Mendoza:10|Rojas:12|Huanca:8|Apaza:8|Cusi:4|Yupanqui:4|Ticona:6|Cárdenas:8|Paucar:6
Lazo:6|Salas:8|Córdova:8|Cueva:6|Zapata:8|Palomino:6|Mayta:6|Pari:4|Coaquira:4
"""),
    "MEX": table("""
Vázquez:60|Guerrero:30|Santiago:24|Cortés:22|Cervantes:20|Ríos:20|Silva:18|Márquez:18
Rosas:16|Camacho:14|Nava:14|Rangel:12|Huerta:12|Valenzuela:12|Zúñiga:12|Espinosa:14
Esquivel:8|Villarreal:10|Garza:12|Treviño:8|Tamez:4|Saldaña:8|Cantú:8|Ibarra:10
"""),
}

#: Maya surnames, used for many indigenous-language speakers from Guatemala.  Q'anjob'al
#: speakers often carry saints' names as surnames (Pascual, Mateo, Domingo ...).
SURNAMES_MAYA = table("""
Tzoc:10|Ixcoy:8|Pop:14|Caal:14|Choc:14|Xol:10|Cux:8|Tum:10|Quiej:6|Chumil:6|Cutzal:4
Ajanel:4|Tzul:8|Coy:8|Tiul:8|Chub:6|Sontay:4|Cumes:6|Tuyuc:4|Xiloj:4|Batz:6|Yac:6
Sicajau:3|Ixchop:3|Baten:4|Tzunun:3|Chiroy:4|Tzep:4|Sapón:4|Xicará:4|Ajcalón:3|Cojtín:3
Sactic:3|Toj:4|Mux:4|Cabnal:3|Chojolán:3|Tay:4|Chitay:3|Ajpop:3|Xinico:3|Chanchavac:3
Canil:4|Cac:4|Cuc:6|Bol:6|Maquín:6|Ical:6|Tec:4|Botzoc:3|Sacul:3|Teyul:3|Hun:3
Chacach:3|Tucux:3|Pascual:12|Mateo:10|Domingo:8|Gaspar:8|Andrés:8|Francisco:8|Diego:6
Lucas:6|Sebastián:6|Tomás:6|Miguel:6|Pedro:6|Juan:6|Gabriel:4|Bravo:6|Roblero:6
Mazariegos:6|Ramos:8|Velásquez:8|Pérez:10|López:10|Tzi:4|Pu:3|Chen:3|Coc:8|Tut:4
""")

# --- Hispanic given names ------------------------------------------------------------------

#: Given names of adult men (born roughly 1955-2001).
GIVEN_MALE_ADULT = table("""
José:160|Juan:120|Carlos:80|Luis:70|Jorge:40|Mario:40|Miguel:40|Francisco:38|Pedro:30
Jesús:30|Antonio:28|Manuel:26|Óscar:26|Víctor:24|Roberto:24|Ricardo:20|Julio:20
Marvin:24|Wilmer:18|Edwin:20|Nelson:18|Santos:18|Fredy:16|Walter:18|Selvin:14|Elmer:14
Erick:14|Henry:12|Kevin:10|Denis:12|Franklin:10|Hugo:12|Rafael:14|Javier:14|Alexander:14
Eduardo:14|Fernando:14|Guillermo:12|Alberto:10|Rigoberto:10|Ramón:12|Raúl:10|Sergio:10
Rolando:8|Osmín:6|Wilson:10|Allan:8|Cristian:12|Darwin:8|Gerson:8|Josué:10|Dany:6|Elvin:8
Jairo:6|Mauricio:8|Héctor:10|Samuel:8|Daniel:12|David:14|Ángel:12|Alejandro:10|Andrés:8
Gustavo:6|Ignacio:4|Salvador:8|Santiago:4|Alfredo:8|Enrique:8|Gregorio:4|Gerardo:8
Rodrigo:4|Isaac:4|Abel:4|Noé:6|Moisés:6|Ismael:6|Leonel:6|Milton:6|Yoni:4|Ever:6|Nery:6
Byron:8|Edgar:12|Esteban:4|Rubén:8|René:8|Reinaldo:4|Arnoldo:4|Mynor:6|Baudilio:2
Yoel:6|Yunior:6|Yasmani:4|Yordanis:4|Yoandy:3|Osmany:3|Reinier:3|Alexei:3|Yuniel:3
Dairon:2|Yosvany:3|Leosbel:2|Lázaro:6|Adrián:6|Orlando:6|Ernesto:6|Armando:6|Arturo:6
Gilberto:4|Humberto:4|Lorenzo:4|Vicente:4|Agustín:4|Ramiro:4|Efraín:4|Eliseo:3|Heriberto:3
Pascual:4|Mateo:3|Domingo:3|Gaspar:3|Tomás:4|Baltazar:2|Cruz:2|Candelario:2
""")

#: Given names of adult women.
GIVEN_FEMALE_ADULT = table("""
María:220|Ana:60|Rosa:40|Marta:20|Gloria:16|Sandra:24|Karla:20|Claudia:22|Carmen:24
Blanca:18|Sonia:16|Delmy:8|Glenda:10|Reina:10|Dilcia:8|Iris:12|Lesly:10|Wendy:14
Yesenia:12|Maritza:10|Lidia:10|Elsa:8|Silvia:14|Patricia:16|Norma:12|Marlene:8|Dunia:6
Suyapa:8|Lourdes:8|Guadalupe:12|Dolores:6|Mercedes:8|Concepción:4|Rosario:6|Teresa:8
Isabel:8|Josefina:6|Margarita:8|Alejandra:10|Jessica:12|Yolanda:8|Esperanza:6|Juana:12
Francisca:6|Elizabeth:10|Brenda:10|Evelyn:10|Heidy:6|Jackeline:6|Yadira:6|Keila:4
Ingrid:6|Mirna:6|Nidia:6|Olga:6|Paola:8|Vilma:6|Xiomara:6|Yamileth:6|Zoila:4|Digna:4
Marisol:6|Daisy:4|Cindy:6|Kenia:4|Angélica:6|Verónica:8|Mayra:8|Lorena:8|Fátima:4
Gabriela:8|Daniela:6|Andrea:6|Cristina:6|Yaneth:4|Yanira:4|Belkis:3|Yanelis:3|Yudith:3
Yaimara:2|Dayami:2|Yuleisy:2|Mileidys:2|Lisbet:3|Damaris:4|Esmeralda:6|Araceli:4
Leticia:6|Adriana:6|Beatriz:4|Catalina:4|Lucía:6|Micaela:2|Petrona:4|Candelaria:2
Magdalena:6|Catarina:4|Irma:4|Aura:4|Dora:4|Elvia:4|Gladys:6|Reyna:4|Santos:2
""")

#: Given names of children born roughly 2002-2020.
GIVEN_MALE_MINOR = table("""
Kevin:40|Brayan:30|Anthony:30|Jefferson:18|Dylan:20|Jostin:10|Ángel:24|Josué:20
Jonathan:14|Cristopher:12|Steven:10|Axel:12|Dereck:8|Ian:8|Mateo:16|Santiago:14
Sebastián:14|Gael:10|Matías:10|Daniel:18|David:16|Carlos:16|Luis:18|José:40|Juan:24
Diego:14|Isaac:12|Samuel:12|Alexander:14|Eduardo:8|Abner:6|Jeremy:8|Erick:10|Enmanuel:8
Franklin:6|Jairo:6|Josías:6|Yeferson:6|Adonay:4|Aarón:8|Elías:6|Emiliano:8|Leonardo:10
Joel:8|Jonás:4|Osmar:4|Gabriel:10|Nelson:4|Wilmer:4|Edwin:4|Cristian:8|Jesús:10
Miguel:10|Alan:6|Bryan:10|Jason:6|Maikel:4|Yandel:4|Liam:6|Thiago:4|Jadiel:3|Eduar:2
""")

GIVEN_FEMALE_MINOR = table("""
Génesis:20|Dayana:18|Alison:16|Nicol:12|Keyla:10|Daniela:18|Valeria:16|Camila:16
Ashley:18|Melany:12|Nayeli:8|Yaritza:8|Sofía:16|Isabella:12|Valentina:12|Mía:8
Kimberly:14|Britany:8|Emily:14|Allison:10|Heidy:6|Katherine:10|Jennifer:10|Karen:8
Gabriela:10|Fernanda:8|Abigail:10|Belén:6|Dulce:6|Esmeralda:8|Estrella:4|Fátima:8
Jimena:6|Lesly:8|María:30|Michelle:10|Naomi:6|Paola:6|Rubí:4|Sara:6|Sherlyn:4|Tatiana:4
Ximena:8|Yamileth:6|Zoe:6|Arely:4|Danna:6|Evelyn:8|Helen:4|Jazmín:6|Yésica:2|Ana:12
Luz:4|Marbella:2|Angie:6|Yuliana:4|Cataleya:3|Brisa:3|Aylin:4|Dariana:3
""")

#: Second given names (the second part of a compound given name).
GIVEN_MALE_SECOND = table("""
Luis:30|Antonio:26|Manuel:20|Alberto:14|Alexander:20|Eduardo:14|Fernando:14|Francisco:12
David:14|Daniel:12|Enrique:10|Armando:10|Javier:10|Ramón:8|Ángel:14|Josué:12|Alfredo:8
Adolfo:6|Arturo:8|Roberto:8|Gabriel:10|Mauricio:8|Rafael:8|Orlando:8|Gregorio:6|Carlos:10
Andrés:8|Emilio:6|Ernesto:6|Omar:8|Abraham:6|Isaí:4|Misael:4|Geovany:4|Alexis:6|Adán:4
""")

GIVEN_FEMALE_SECOND = table("""
José:14|Fernanda:12|Isabel:14|Elena:10|Guadalupe:12|del Carmen:14|de los Ángeles:10
Lourdes:6|Alejandra:10|Beatriz:6|Cristina:6|Gabriela:10|Jazmín:6|Mercedes:6|Patricia:8
Teresa:6|Yolanda:4|Esther:6|Lucía:6|Marisol:6|Nohemí:6|Azucena:4|Concepción:4|Dolores:4
Josefina:4|Michelle:8|Yamileth:6|Nicole:8|Abigail:6|Valeria:6|Yasmín:4|Rosario:4
Victoria:6|Sarahí:4|Dayana:4|Elizabeth:8|Carolina:6|Saraí:4|Magdalena:4
""")

#: Compound given names common enough to be drawn as a whole.
GIVEN_COMPOUND_MALE = table("""
José Luis:40|Juan Carlos:36|Juan José:20|José Antonio:20|Luis Fernando:14|Carlos Alberto:12
Juan Pablo:10|José Manuel:12|José Ángel:10|Miguel Ángel:20|José Gregorio:6|Luis Alberto:10
Jesús Antonio:6|Francisco Javier:10|Juan Antonio:10|Kevin Alexander:8|Brayan Josué:4
José Alfredo:6|Marvin Josué:4|Óscar Armando:4|Jorge Luis:10|Víctor Manuel:8|Carlos Enrique:6
""")

GIVEN_COMPOUND_FEMALE = table("""
María José:30|María Fernanda:18|Ana María:14|María Isabel:12|María del Carmen:14
María de los Ángeles:10|Rosa María:10|Ana Gabriela:6|María Guadalupe:12|María Elena:10
Ana Lucía:6|Karla Patricia:4|Dayana Michelle:4|Génesis Abigail:3|Sandra Elizabeth:4
Glenda Yamileth:3|Ana Cristina:4|Luz María:6|María Teresa:6|Blanca Estela:4
""")

# --- Brazilian (Portuguese) names ---------------------------------------------------------

SURNAMES_BRA = table("""
Silva:100|Santos:70|Oliveira:60|Souza:55|Rodrigues:35|Ferreira:35|Alves:35|Pereira:35
Lima:30|Gomes:30|Costa:25|Ribeiro:25|Martins:25|Carvalho:25|Almeida:22|Lopes:20|Soares:20
Fernandes:20|Vieira:20|Barbosa:18|Rocha:16|Dias:16|Nascimento:16|Andrade:14|Moreira:14
Nunes:14|Marques:14|Machado:12|Mendes:12|Freitas:12|Cardoso:12|Ramos:12|Gonçalves:12
Santana:10|Teixeira:10|Araújo:20|Batista:10|Pinto:8|Campos:8|Correia:8|Castro:8
Monteiro:8|Moura:8|Cavalcanti:6|Borges:8|Fonseca:6|Xavier:6|Medeiros:6|Coelho:6|Cunha:6
Pires:6|Melo:10|Barros:8|Rezende:4|Tavares:6|Brito:6|Jesus:10|Conceição:6
""")

#: Portuguese particles that often precede a surname (share of bearers who write it).
PARTICLES_BRA: dict[str, tuple[str, float]] = {
    "Silva": ("da", 0.5),
    "Santos": ("dos", 0.4),
    "Souza": ("de", 0.2),
    "Oliveira": ("de", 0.2),
    "Jesus": ("de", 1.0),
    "Nascimento": ("do", 0.3),
    "Costa": ("da", 0.2),
    "Conceição": ("da", 1.0),
}

GIVEN_MALE_BRA = table("""
João:40|José:30|Antônio:16|Francisco:14|Carlos:16|Paulo:14|Pedro:16|Lucas:18|Luiz:12
Marcos:12|Gabriel:16|Rafael:12|Daniel:10|Marcelo:10|Bruno:10|Eduardo:8|Felipe:10
Raimundo:6|Rodrigo:8|Matheus:14|Gustavo:10|Guilherme:10|Thiago:10|Leonardo:8|Diego:6
Vinícius:8|Fernando:8|Fábio:6|Leandro:6|Anderson:6|Wellington:6|Wesley:6|Jefferson:4
Cleiton:4|Davi:8|Enzo:6|Miguel:8|Arthur:8|Heitor:4|Bernardo:4|Samuel:6
João Pedro:14|João Victor:10|Pedro Henrique:12|João Gabriel:8|Carlos Eduardo:8
Luiz Fernando:6|José Carlos:6|Paulo Henrique:6
""")

GIVEN_FEMALE_BRA = table("""
Maria:40|Ana:30|Francisca:8|Antônia:6|Adriana:8|Juliana:10|Márcia:8|Fernanda:10
Patrícia:8|Aline:10|Sandra:6|Camila:10|Amanda:10|Bruna:10|Jéssica:8|Letícia:8|Júlia:12
Luana:6|Larissa:8|Beatriz:10|Gabriela:10|Vitória:8|Mariana:10|Rafaela:6|Isabela:8
Alice:8|Sophia:8|Laura:8|Valentina:6|Helena:8|Maria Eduarda:16|Ana Beatriz:12
Ana Clara:12|Maria Clara:10|Ana Júlia:10|Maria Luiza:8|Ana Luiza:8|Maria Fernanda:6
Maria Aparecida:6|Maria José:4
""")

# --- Nicknames (hipocorísticos) ------------------------------------------------------------

#: Common short forms an intake worker may write instead of the given name.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "José": ("Pepe", "Chepe", "Che"),
    "Francisco": ("Paco", "Pancho", "Chico", "Kiko"),
    "Guadalupe": ("Lupe", "Lupita"),
    "Jesús": ("Chuy", "Chucho"),
    "Guillermo": ("Memo",),
    "Eduardo": ("Lalo",),
    "Antonio": ("Toño", "Tony"),
    "Ignacio": ("Nacho",),
    "Alberto": ("Beto",),
    "Roberto": ("Beto",),
    "Alfredo": ("Fredy",),
    "Enrique": ("Quique", "Kike"),
    "Manuel": ("Manolo", "Meme"),
    "Rafael": ("Rafa",),
    "Santiago": ("Chago", "Santi"),
    "Concepción": ("Concha", "Conchita"),
    "Dolores": ("Lola",),
    "Mercedes": ("Meche",),
    "Rosario": ("Chayo",),
    "Alejandro": ("Alex", "Jandro"),
    "Alexander": ("Alex",),
    "Fernando": ("Nando", "Fer"),
    "Fernanda": ("Fer",),
    "Gerardo": ("Gera",),
    "Rodrigo": ("Rigo",),
    "Rigoberto": ("Rigo",),
    "Salvador": ("Chava",),
    "Isabel": ("Chabela",),
    "Gregorio": ("Goyo",),
    "Ramón": ("Moncho",),
    "Leonardo": ("Leo",),
    "Gabriel": ("Gabo",),
    "Daniel": ("Dani",),
    "Daniela": ("Dani",),
    "Patricia": ("Paty",),
    "Josefina": ("Chepina", "Fina"),
    "Teresa": ("Tere",),
    "Gustavo": ("Tavo",),
    "Jorge": ("Coque",),
    "Francisca": ("Paquita", "Pancha"),
    "Andrés": ("Andy",),
    "Juan": ("Juancho", "Juanito"),
    "Lorenzo": ("Lencho",),
    "Vicente": ("Chente",),
    "Ernesto": ("Neto",),
    "Margarita": ("Magui",),
    "Elizabeth": ("Eli",),
    "Alejandra": ("Ale",),
    "Luis": ("Lucho", "Güicho"),
    "Carlos": ("Charly",),
    "Anthony": ("Tony",),
    "Maria Eduarda": ("Duda",),
    "João": ("Joãozinho",),
}
