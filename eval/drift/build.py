#!/usr/bin/env python3
"""Builds the claim-drift evaluation pairs (eval/drift/pairs/NN-name/).

Every article here is fiction written for this evaluation: the places,
people and figures are invented, and no text is copied from any outlet.
Each pair is an old version, the edits that make the new version (written
out, so a reader sees what changed), and the claims of the old version with
the class a careful editor would give each one (gold.json, format
schemas/drift-gold.schema.json). Run from the repository root:

    python3 eval/drift/build.py

It rewrites old.txt, new.txt and gold.json of every pair, byte for byte the
same each run.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent / "pairs"

# An edit is (old, new): the first and only occurrence of `old` in the text
# so far becomes `new` (the script refuses an `old` that is absent or not
# unique). A move is two edits: cut, then paste.

PAIRS = []


def pair(name, title, old, edits, claims, sources=(), edit_kinds=(), held_out=False):
    PAIRS.append(
        dict(name=name, title=title, old=old, edits=edits, claims=claims,
             sources=list(sources), edit_kinds=list(edit_kinds), held_out=held_out))


def c(quote, gold, kind, source=None, cue=None, words=None):
    """A claim: its passage in the old version, its gold class, the edit
    that touched it (or "none"), its source label and cue, and the words it
    quotes."""
    return dict(quote=quote, gold=gold, edit=kind, source=source, cue=cue,
                quoted_words=words)


# 1 ------------------------------------------------------------------------
pair(
    "01-council-budget",
    "Harrowgate council passes budget after late-night session",
    """HARROWGATE — The city council approved a 412 million euro budget for next year shortly after midnight on Thursday, ending a session that lasted more than nine hours.

The budget raises spending on public transport by 8 percent and freezes hiring in most administrative departments, according to the finance committee's summary.

Council leader Mara Olsen said the plan "protects the services people use every day" while keeping the city's debt stable.

Opposition members voted against the budget, arguing that cuts to library opening hours would hurt students and older residents. "We were given the final figures four hours before the vote," said councillor Tomas Brink.

The finance committee said property tax rates would remain unchanged for a third consecutive year.

A proposal to sell the municipal golf course was withdrawn before the vote, a council spokesperson confirmed.

Funding for the new bridge over the Aller river, estimated at 96 million euros, will be spread over four years.

The budget must still be approved by the regional audit office, which has until March to raise objections.

Residents can read the full document at the city library and on the council website from Monday.""",
    [
        ("412 million euro", "418 million euro"),
        ("by 8 percent", "by 6 percent"),
        ("estimated at 96 million euros", "now estimated at 104 million euros"),
        ("A proposal to sell the municipal golf course was withdrawn before the vote, a council spokesperson confirmed.\n\n", ""),
        ("The budget must still be approved",
         "Several hundred residents watched the session on a livestream, and some followed it from the public gallery until the end.\n\nThe budget must still be approved"),
    ],
    [
        c("The city council approved a 412 million euro budget for next year shortly after midnight on Thursday", "edited", "figure"),
        c("ending a session that lasted more than nine hours", "unchanged", "none"),
        c("The budget raises spending on public transport by 8 percent and freezes hiring in most administrative departments", "edited", "figure", "the finance committee's summary", "according to"),
        c("the plan \"protects the services people use every day\" while keeping the city's debt stable", "unchanged", "none", "Council leader Mara Olsen", "said", "protects the services people use every day"),
        c("Opposition members voted against the budget", "unchanged", "none"),
        c("cuts to library opening hours would hurt students and older residents", "unchanged", "none", "Opposition members", "arguing that"),
        c("\"We were given the final figures four hours before the vote,\"", "unchanged", "none", "councillor Tomas Brink", "said", "We were given the final figures four hours before the vote"),
        c("property tax rates would remain unchanged for a third consecutive year", "unchanged", "none", "The finance committee", "said"),
        c("A proposal to sell the municipal golf course was withdrawn before the vote", "dropped", "dropped", "a council spokesperson", "confirmed"),
        c("Funding for the new bridge over the Aller river, estimated at 96 million euros, will be spread over four years.", "edited", "figure"),
        c("The budget must still be approved by the regional audit office", "unchanged", "insertion"),
        c("which has until March to raise objections", "unchanged", "insertion"),
        c("Residents can read the full document at the city library and on the council website from Monday.", "unchanged", "insertion"),
    ],
    sources=["the finance committee's summary", "Council leader Mara Olsen", "councillor Tomas Brink", "The finance committee", "a council spokesperson", "Opposition members"],
    edit_kinds=["figure", "dropped", "insertion"],
)

# 2 ------------------------------------------------------------------------
pair(
    "02-river-flood",
    "Hundreds evacuated as the Senne bursts its banks in Lindau-sur-Senne",
    """LINDAU-SUR-SENNE — About 300 residents were evacuated overnight after the Senne burst its banks following three days of heavy rain, the regional fire service said on Sunday.

Water reached the first floor of houses along the Quai des Tanneurs, and the old stone bridge was closed to traffic as a precaution.

"We have not seen the river this high since 1994," said mayor Hélène Varga, who spent the night at the emergency centre in the sports hall.

Two people were taken to hospital with mild hypothermia, according to the fire service. No deaths have been reported.

The national weather agency has kept the region on orange alert until Monday evening and warned that the water level could rise by another 40 centimetres.

Trains between Lindau and the regional capital were suspended, the rail operator said, and replacement buses will run from Monday morning.

Local shops and a bakery on the market square opened their doors to offer coffee and dry clothes to evacuated families.

Insurance experts estimate that damage to homes and businesses could exceed 20 million euros.

The prefecture said it would ask the government to declare a state of natural disaster, which would speed up compensation.""",
    [
        ("About 300 residents", "About 450 residents"),
        ("Two people were taken to hospital with mild hypothermia, according to the fire service. No deaths have been reported.",
         "Two people were taken to hospital with mild hypothermia, according to the fire service. A 78-year-old man was reported missing on Sunday afternoon."),
        ("Insurance experts estimate that damage to homes and businesses could exceed 20 million euros.\n\n", ""),
        ("Local shops and a bakery on the market square",
         "Volunteers from the rowing club used their boats to bring medicine to residents who chose to stay in their homes.\n\nLocal shops and a bakery on the market square"),
        ("\"We have not seen the river this high since 1994,\"", "“We have not seen the river this high since 1994,”"),
    ],
    [
        c("About 300 residents were evacuated overnight after the Senne burst its banks following three days of heavy rain", "edited", "figure", "the regional fire service", "said"),
        c("Water reached the first floor of houses along the Quai des Tanneurs", "unchanged", "none"),
        c("the old stone bridge was closed to traffic as a precaution", "unchanged", "none"),
        c("\"We have not seen the river this high since 1994,\"", "unchanged", "quote_marks", "mayor Hélène Varga", "said", "We have not seen the river this high since 1994"),
        c("who spent the night at the emergency centre in the sports hall", "unchanged", "quote_marks"),
        c("Two people were taken to hospital with mild hypothermia", "unchanged", "none", "the fire service", "according to"),
        c("No deaths have been reported.", "dropped", "dropped"),
        c("kept the region on orange alert until Monday evening", "unchanged", "none", "The national weather agency", "warned"),
        c("the water level could rise by another 40 centimetres", "unchanged", "none", "The national weather agency", "warned that"),
        c("Trains between Lindau and the regional capital were suspended", "unchanged", "none", "the rail operator", "said"),
        c("replacement buses will run from Monday morning", "unchanged", "none"),
        c("Local shops and a bakery on the market square opened their doors to offer coffee and dry clothes to evacuated families.", "unchanged", "insertion"),
        c("damage to homes and businesses could exceed 20 million euros", "dropped", "dropped", "Insurance experts", "estimate that"),
        c("it would ask the government to declare a state of natural disaster", "unchanged", "none", "The prefecture", "said"),
    ],
    sources=["the regional fire service", "mayor Hélène Varga", "the fire service", "The national weather agency", "the rail operator", "Insurance experts", "The prefecture"],
    edit_kinds=["figure", "dropped", "insertion", "quote_marks"],
)

# 3 ------------------------------------------------------------------------
pair(
    "03-trade-talks",
    "Talks on fishing quotas stall in Tallmark",
    """TALLMARK — Negotiations between the Northern Coastal Union and the Republic of Veskia over fishing quotas stalled on Wednesday, according to diplomatic sources familiar with the talks.

The two sides failed to agree on how to share the herring catch in the disputed Grey Bank waters, which both claim.

Veskia's delegation walked out of the afternoon session after the Union proposed cutting its share by a fifth, one negotiator said.

The Union's trade commissioner, Pieter Vanholt, told reporters that "no deal is better than a deal that empties the sea."

Fishing communities on both coasts have staged protests in recent weeks, blocking harbours with trawlers.

A Veskian government spokesperson described the Union's offer as "provocative" and said the delegation would return only with a new mandate.

Economists estimate the herring trade is worth about 1.2 billion euros a year to the region.

The next round of talks has been pencilled in for early February, officials said.""",
    [
        ("according to diplomatic sources familiar with the talks", "according to a senior Union official"),
        ("one negotiator said", "Veskian state television reported"),
        ("A Veskian government spokesperson described", "Veskia's foreign minister, Ilse Marn, described"),
        ("about 1.2 billion euros", "about 1.4 billion euros"),
        ("Fishing communities on both coasts have staged protests in recent weeks, blocking harbours with trawlers.\n\n", ""),
        ("The next round of talks", "Fishing communities on both coasts have staged protests in recent weeks, blocking harbours with trawlers.\n\nThe next round of talks"),
    ],
    [
        c("Negotiations between the Northern Coastal Union and the Republic of Veskia over fishing quotas stalled on Wednesday", "reattributed", "reattribution", "diplomatic sources familiar with the talks", "according to"),
        c("The two sides failed to agree on how to share the herring catch in the disputed Grey Bank waters", "unchanged", "none"),
        c("which both claim", "unchanged", "none"),
        c("Veskia's delegation walked out of the afternoon session after the Union proposed cutting its share by a fifth", "reattributed", "reattribution", "one negotiator", "said"),
        c("\"no deal is better than a deal that empties the sea.\"", "unchanged", "none", "The Union's trade commissioner, Pieter Vanholt", "told reporters that", "no deal is better than a deal that empties the sea."),
        c("Fishing communities on both coasts have staged protests in recent weeks", "moved", "move"),
        c("blocking harbours with trawlers", "moved", "move"),
        c("described the Union's offer as \"provocative\"", "reattributed", "reattribution", "A Veskian government spokesperson", "described", "provocative"),
        c("the delegation would return only with a new mandate", "reattributed", "reattribution", "A Veskian government spokesperson", "said"),
        c("the herring trade is worth about 1.2 billion euros a year to the region", "edited", "figure", "Economists", "estimate"),
        c("The next round of talks has been pencilled in for early February", "unchanged", "none", "officials", "said"),
    ],
    sources=["diplomatic sources familiar with the talks", "a senior Union official", "one negotiator", "The Union's trade commissioner, Pieter Vanholt", "A Veskian government spokesperson", "Veskia's foreign minister, Ilse Marn", "Economists", "officials"],
    edit_kinds=["reattribution", "figure", "move"],
)

# 4 ------------------------------------------------------------------------
pair(
    "04-hospital-strike",
    "Nurses at St Aldric's walk out over staffing",
    """BRENFORD — Nurses at St Aldric's hospital began a 48-hour strike on Monday morning, the first at the hospital in more than twenty years.

The nurses' union says wards are routinely run with one nurse for every twelve patients, twice the level it considers safe.

Hospital management said emergency care, maternity and intensive care would continue as normal during the strike.

About 140 planned operations have been postponed, a hospital spokesperson said, and patients affected have been contacted by phone.

Union representative Dana Okafor said members had "run out of patience" after eight months of talks without progress.

The regional health authority has offered to fund 35 additional nursing posts from April, an offer the union called too little and too late.

Outside the main entrance, striking nurses handed out leaflets to visitors and collected signatures for a petition to the health minister.

A second strike could follow in March if no agreement is reached, the union warned.""",
    [
        ("began a 48-hour strike on Monday morning, the first at the hospital in more than twenty years",
         "walked out on Monday morning at the start of a strike planned to last 48 hours, the hospital's first in over two decades"),
        ("The nurses' union says wards are routinely run with one nurse for every twelve patients, twice the level it considers safe.",
         "According to the nurses' union, wards routinely run with a single nurse for every twelve patients, which it says is twice the safe level."),
        ("About 140 planned operations", "About 170 planned operations"),
        ("an offer the union called too little and too late", "an offer the union dismissed as too little, too late"),
        ("Outside the main entrance, striking nurses handed out leaflets to visitors and collected signatures for a petition to the health minister.\n\n", ""),
    ],
    [
        c("Nurses at St Aldric's hospital began a 48-hour strike on Monday morning", "needs_review", "rewording"),
        c("the first at the hospital in more than twenty years", "needs_review", "rewording"),
        c("wards are routinely run with one nurse for every twelve patients, twice the level it considers safe", "needs_review", "rewording", "The nurses' union", "says"),
        c("emergency care, maternity and intensive care would continue as normal during the strike", "unchanged", "none", "Hospital management", "said"),
        c("About 140 planned operations have been postponed", "edited", "figure", "a hospital spokesperson", "said"),
        c("patients affected have been contacted by phone", "unchanged", "none"),
        c("members had \"run out of patience\" after eight months of talks without progress", "unchanged", "none", "Union representative Dana Okafor", "said", "run out of patience"),
        c("The regional health authority has offered to fund 35 additional nursing posts from April", "unchanged", "none"),
        c("an offer the union called too little and too late", "edited", "rewording", "the union", "called"),
        c("striking nurses handed out leaflets to visitors", "dropped", "dropped"),
        c("collected signatures for a petition to the health minister", "dropped", "dropped"),
        c("A second strike could follow in March if no agreement is reached", "unchanged", "none", "the union", "warned"),
    ],
    sources=["The nurses' union", "Hospital management", "a hospital spokesperson", "Union representative Dana Okafor", "the union"],
    edit_kinds=["rewording", "figure", "dropped"],
)

# 5 ------------------------------------------------------------------------
pair(
    "05-transfer",
    "Rovers sign striker Idris Kane in club-record deal",
    """Rovers have signed striker Idris Kane from Atlético Morvan in a deal worth a club-record 32 million pounds, the club announced on Friday.

Kane, 24, scored 19 league goals last season and has agreed a five-year contract.

"Idris is exactly the kind of player we have been looking for," manager Sofia Reyes said. "He works for the team and he finishes his chances."

The fee could rise with add-ons linked to appearances and European qualification, according to people close to the negotiations.

Supporters gathered outside the training ground on Friday afternoon hoping to catch a glimpse of the new signing.

Kane said he had turned down offers from two other clubs because he wanted "to play every week, not sit on a bench."

He is expected to make his debut against Castleford on Sunday if his international clearance arrives in time.

Rovers finished seventh last season and have not won a trophy since 2009.""",
    [
        ("\"Idris is exactly the kind of player we have been looking for,\" manager Sofia Reyes said. \"He works for the team and he finishes his chances.\"",
         "“Idris is exactly the kind of player we have been looking for,” manager Sofia Reyes said. “He works for the team and he finishes his chances.”"),
        ("\"to play every week, not sit on a bench.\"", "“to play every week, not sit on a bench.”"),
        ("Rovers finished seventh last season and have not won a trophy since 2009.", ""),
        ("Kane, 24, scored 19 league goals last season and has agreed a five-year contract.\n\n",
         "Kane, 24, scored 19 league goals last season and has agreed a five-year contract.\n\nRovers finished seventh last season and have not won a trophy since 2009.\n\n"),
        ("Supporters gathered outside the training ground on Friday afternoon hoping to catch a glimpse of the new signing.\n\n", ""),
        ("He is expected to make his debut", "Supporters gathered outside the training ground on Friday afternoon hoping to catch a glimpse of the new signing.\n\nHe is expected to make his debut"),
    ],
    [
        c("Rovers have signed striker Idris Kane from Atlético Morvan in a deal worth a club-record 32 million pounds", "unchanged", "none", "the club", "announced"),
        c("Kane, 24, scored 19 league goals last season", "unchanged", "none"),
        c("has agreed a five-year contract", "unchanged", "none"),
        c("\"Idris is exactly the kind of player we have been looking for,\"", "unchanged", "quote_marks", "manager Sofia Reyes", "said", "Idris is exactly the kind of player we have been looking for"),
        c("\"He works for the team and he finishes his chances.\"", "unchanged", "quote_marks", "manager Sofia Reyes", "said", "He works for the team and he finishes his chances."),
        c("The fee could rise with add-ons linked to appearances and European qualification", "unchanged", "none", "people close to the negotiations", "according to"),
        c("Supporters gathered outside the training ground on Friday afternoon", "moved", "move"),
        c("he had turned down offers from two other clubs because he wanted \"to play every week, not sit on a bench.\"", "unchanged", "quote_marks", "Kane", "said", "to play every week, not sit on a bench."),
        c("He is expected to make his debut against Castleford on Sunday", "unchanged", "none"),
        c("if his international clearance arrives in time", "unchanged", "none"),
        c("Rovers finished seventh last season", "moved", "move"),
        c("have not won a trophy since 2009", "moved", "move"),
    ],
    sources=["the club", "manager Sofia Reyes", "people close to the negotiations", "Kane"],
    edit_kinds=["quote_marks", "move"],
)

# 6 ------------------------------------------------------------------------
pair(
    "06-wildfire",
    "Wildfire forces evacuation of three villages near Corvera",
    """CORVERA — A wildfire that broke out on Saturday afternoon in the hills above Corvera has burned about 1,800 hectares of pine forest and scrubland, the regional civil protection agency said.

Three villages — Alta, San Bruno and Las Peñas — were evacuated overnight as strong winds pushed the flames towards the valley.

More than 400 firefighters, supported by six water-bombing aircraft, were working to contain the blaze on Sunday.

The agency's director, Ramón Ibarra, said the fire was "not yet under control" and that the wind was expected to ease only on Monday.

Investigators believe the fire may have been started by sparks from agricultural machinery, according to a police source.

Residents of San Bruno were housed in a school gymnasium in Corvera, where the Red Cross distributed blankets and meals.

The main road between Corvera and the coast remains closed in both directions.

It is the third large fire in the province this summer, after a dry spring with almost no rain.""",
    [
        ("about 1,800 hectares", "about 2,300 hectares"),
        ("More than 400 firefighters, supported by six water-bombing aircraft,", "More than 550 firefighters, supported by nine water-bombing aircraft,"),
        ("The main road between Corvera and the coast remains closed in both directions.",
         "The main road between Corvera and the coast remains closed in both directions.\n\nIn the town centre, cafés stayed open late to serve firefighters returning from the front line, and a local choir sang outside the town hall on Sunday evening."),
        ("Investigators believe the fire may have been started by sparks from agricultural machinery, according to a police source.",
         "Investigators believe the fire may have been started by sparks from agricultural machinery, according to the provincial prosecutor's office."),
    ],
    [
        c("A wildfire that broke out on Saturday afternoon in the hills above Corvera has burned about 1,800 hectares of pine forest and scrubland", "edited", "figure", "the regional civil protection agency", "said"),
        c("Three villages — Alta, San Bruno and Las Peñas — were evacuated overnight", "unchanged", "none"),
        c("as strong winds pushed the flames towards the valley", "unchanged", "none"),
        c("More than 400 firefighters, supported by six water-bombing aircraft, were working to contain the blaze on Sunday.", "edited", "figure"),
        c("the fire was \"not yet under control\"", "unchanged", "none", "The agency's director, Ramón Ibarra", "said", "not yet under control"),
        c("the wind was expected to ease only on Monday", "unchanged", "none", "The agency's director, Ramón Ibarra", "said"),
        c("the fire may have been started by sparks from agricultural machinery", "reattributed", "reattribution", "a police source", "according to"),
        c("Residents of San Bruno were housed in a school gymnasium in Corvera", "unchanged", "none"),
        c("the Red Cross distributed blankets and meals", "unchanged", "none"),
        c("The main road between Corvera and the coast remains closed in both directions.", "unchanged", "insertion"),
        c("It is the third large fire in the province this summer", "unchanged", "insertion"),
        c("after a dry spring with almost no rain", "unchanged", "insertion"),
    ],
    sources=["the regional civil protection agency", "The agency's director, Ramón Ibarra", "a police source"],
    edit_kinds=["figure", "insertion", "reattribution"],
)

# 7 ------------------------------------------------------------------------
pair(
    "07-election",
    "Greens win most seats in Westmere provincial election",
    """WESTMERE — The Green Alliance won 31 of the 75 seats in the Westmere provincial assembly on Sunday, according to preliminary results published by the electoral commission.

The centre-right People's Party came second with 24 seats, down from 29 at the last election, while the Labour List won 14.

Turnout was 63 percent, the highest in a provincial election since 1998.

Green leader Amira Haddad told supporters in the capital that voters had "chosen a different future for this province."

The Greens will need the support of at least one other party to form a majority. Haddad said she would begin talks with Labour on Tuesday.

People's Party leader Olaf Brandt conceded defeat shortly before midnight and said he would stay on as leader.

Two smaller parties, the Farmers' League and the Liberal Union, each won three seats.

Final results are expected on Thursday after postal votes have been counted.""",
    [
        ("Two smaller parties, the Farmers' League and the Liberal Union, each won three seats.\n\n", ""),
        ("Turnout was 63 percent", "Two smaller parties, the Farmers' League and the Liberal Union, each won three seats.\n\nTurnout was 63 percent"),
        ("People's Party leader Olaf Brandt conceded defeat shortly before midnight and said he would stay on as leader.\n\n", ""),
        ("Green leader Amira Haddad", "People's Party leader Olaf Brandt conceded defeat shortly before midnight and said he would stay on as leader.\n\nGreen leader Amira Haddad"),
        ("The Greens will need the support of at least one other party to form a majority. Haddad said she would begin talks with Labour on Tuesday.",
         "The Greens will need the support of at least one other party to form a majority. Haddad said she would begin talks with Labour on Wednesday."),
    ],
    [
        c("The Green Alliance won 31 of the 75 seats in the Westmere provincial assembly on Sunday", "unchanged", "none", "the electoral commission", "according to preliminary results published by"),
        c("The centre-right People's Party came second with 24 seats, down from 29 at the last election", "unchanged", "none"),
        c("while the Labour List won 14", "unchanged", "none"),
        c("Turnout was 63 percent, the highest in a provincial election since 1998.", "unchanged", "move"),
        c("voters had \"chosen a different future for this province.\"", "unchanged", "none", "Green leader Amira Haddad", "told supporters", "chosen a different future for this province."),
        c("The Greens will need the support of at least one other party to form a majority.", "unchanged", "none"),
        c("Haddad said she would begin talks with Labour on Tuesday.", "edited", "figure", "Haddad", "said"),
        c("People's Party leader Olaf Brandt conceded defeat shortly before midnight", "moved", "move"),
        c("said he would stay on as leader", "moved", "move"),
        c("Two smaller parties, the Farmers' League and the Liberal Union, each won three seats.", "moved", "move"),
        c("Final results are expected on Thursday after postal votes have been counted.", "unchanged", "none"),
    ],
    sources=["the electoral commission", "Green leader Amira Haddad", "Haddad", "People's Party leader Olaf Brandt"],
    edit_kinds=["move", "figure"],
)

# 8 ------------------------------------------------------------------------
pair(
    "08-data-breach",
    "Personal data of 2.1 million Telvia customers exposed",
    """The personal details of about 2.1 million customers of the telecoms operator Telvia were exposed in a cyberattack last month, the company said on Tuesday.

Names, addresses, dates of birth and phone numbers were accessed, but no bank details or passwords were taken, Telvia said in a statement.

The breach was discovered on 3 October, nearly two weeks after the attackers first entered the company's billing system, according to a person familiar with the investigation.

The national data protection authority said it had opened an inquiry and could fine the company up to 4 percent of its annual turnover.

Cybersecurity researcher Lena Voss said the delay in informing customers was "hard to justify" and left people exposed to phishing.

Telvia's chief executive, Marc Duval, apologised to customers and said the company would offer free identity-theft monitoring for a year.

Customers who believe they are affected can call a dedicated helpline, which opened on Tuesday morning.

Shares in Telvia fell 6 percent in early trading.""",
    [
        ("about 2.1 million customers", "about 2.6 million customers"),
        ("according to a person familiar with the investigation", "according to the data protection authority"),
        ("Cybersecurity researcher Lena Voss said the delay in informing customers was \"hard to justify\" and left people exposed to phishing.",
         "The delay in informing customers was \"hard to justify\" and left people exposed to phishing, said Arjen Mol, a lecturer in computer security."),
        ("Shares in Telvia fell 6 percent in early trading.", "Shares in Telvia fell 9 percent by the close of trading."),
        ("Customers who believe they are affected can call a dedicated helpline, which opened on Tuesday morning.",
         "Customers who think they may be affected can ring a helpline set up for the purpose on Tuesday morning."),
    ],
    [
        c("The personal details of about 2.1 million customers of the telecoms operator Telvia were exposed in a cyberattack last month", "edited", "figure", "the company", "said"),
        c("Names, addresses, dates of birth and phone numbers were accessed", "unchanged", "none", "Telvia", "said in a statement"),
        c("no bank details or passwords were taken", "unchanged", "none", "Telvia", "said in a statement"),
        c("The breach was discovered on 3 October, nearly two weeks after the attackers first entered the company's billing system", "reattributed", "reattribution", "a person familiar with the investigation", "according to"),
        c("it had opened an inquiry and could fine the company up to 4 percent of its annual turnover", "unchanged", "none", "The national data protection authority", "said"),
        c("the delay in informing customers was \"hard to justify\" and left people exposed to phishing", "reattributed", "reattribution", "Cybersecurity researcher Lena Voss", "said", "hard to justify"),
        c("Telvia's chief executive, Marc Duval, apologised to customers", "unchanged", "none"),
        c("the company would offer free identity-theft monitoring for a year", "unchanged", "none", "Telvia's chief executive, Marc Duval", "said"),
        c("Customers who believe they are affected can call a dedicated helpline, which opened on Tuesday morning.", "needs_review", "rewording"),
        c("Shares in Telvia fell 6 percent in early trading.", "edited", "figure"),
    ],
    sources=["the company", "Telvia", "a person familiar with the investigation", "the data protection authority", "The national data protection authority", "Cybersecurity researcher Lena Voss", "Telvia's chief executive, Marc Duval"],
    edit_kinds=["figure", "reattribution", "rewording"],
)

# 9 ------------------------------------------------------------------------
pair(
    "09-school-closure",
    "Oakfield primary school to close at end of year",
    """OAKFIELD — The village primary school in Oakfield will close in July after pupil numbers fell to 41, the county education board decided on Wednesday.

The board said the school, which opened in 1887, could no longer offer "a full curriculum with mixed classes of four year groups."

Parents had campaigned for more than a year to keep the school open, collecting 2,300 signatures and presenting an alternative plan to share a head teacher with a neighbouring village.

Pupils will be offered places at Hollins Cross primary, six kilometres away, and the county will provide a free school bus.

"Closing the school takes the heart out of the village," said parent Gemma Price, whose two children attend it.

The board's chair, Colin Hartley, said the decision had been "painful but unavoidable" given the budget pressures facing rural schools.

The building is owned by the parish and its future use has not been decided.

Three other rural schools in the county are being reviewed under the same policy, the board confirmed.""",
    [
        ("Parents had campaigned for more than a year to keep the school open, collecting 2,300 signatures and presenting an alternative plan to share a head teacher with a neighbouring village.\n\n", ""),
        ("The building is owned by the parish and its future use has not been decided.",
         "The parish, which owns the building, has not yet said what it will be used for."),
        ("Three other rural schools in the county are being reviewed under the same policy, the board confirmed.",
         "Three other rural schools in the county are being reviewed under the same policy, the board confirmed. Parents at one of them, in Little Ashby, have already started a petition."),
        ("fell to 41", "fell to 38"),
    ],
    [
        c("The village primary school in Oakfield will close in July after pupil numbers fell to 41", "edited", "figure", "the county education board", "decided"),
        c("the school, which opened in 1887, could no longer offer \"a full curriculum with mixed classes of four year groups.\"", "unchanged", "none", "The board", "said", "a full curriculum with mixed classes of four year groups."),
        c("Parents had campaigned for more than a year to keep the school open", "dropped", "dropped"),
        c("collecting 2,300 signatures", "dropped", "dropped"),
        c("presenting an alternative plan to share a head teacher with a neighbouring village", "dropped", "dropped"),
        c("Pupils will be offered places at Hollins Cross primary, six kilometres away", "unchanged", "none"),
        c("the county will provide a free school bus", "unchanged", "none"),
        c("\"Closing the school takes the heart out of the village,\"", "unchanged", "none", "parent Gemma Price", "said", "Closing the school takes the heart out of the village"),
        c("the decision had been \"painful but unavoidable\" given the budget pressures facing rural schools", "unchanged", "none", "The board's chair, Colin Hartley", "said", "painful but unavoidable"),
        c("The building is owned by the parish and its future use has not been decided.", "needs_review", "rewording"),
        c("Three other rural schools in the county are being reviewed under the same policy", "unchanged", "insertion", "the board", "confirmed"),
    ],
    sources=["the county education board", "The board", "parent Gemma Price", "The board's chair, Colin Hartley", "the board"],
    edit_kinds=["dropped", "rewording", "insertion", "figure"],
)

# 10 -----------------------------------------------------------------------
pair(
    "10-mine-collapse",
    "Miners trapped after tunnel collapse at Karvik mine",
    """KARVIK — Eleven miners were trapped underground after part of a tunnel collapsed at the Karvik copper mine early on Thursday, the mine's operator said.

Rescue teams have made contact with the men through a ventilation shaft and all of them are alive, according to regional emergency officials.

The collapse happened about 600 metres below the surface during a shift change, when 43 workers were in the mine. The others were brought to the surface within two hours.

A union official at the site said workers had reported cracks in the tunnel roof two weeks ago.

The operator, Nordmetall, said it had inspected the tunnel on Monday and found no sign of danger.

Engineers are drilling a second shaft to bring the trapped miners food, water and medicine. Officials said the rescue could take several days.

Families of the trapped men waited at a community hall in Karvik, where counsellors and a priest were present.

The labour inspectorate has opened an investigation into the collapse.""",
    [
        ("Eleven miners were trapped", "Nine miners were trapped"),
        ("when 43 workers were in the mine", "when 47 workers were in the mine"),
        ("A union official at the site said workers had reported cracks in the tunnel roof two weeks ago.",
         "Workers had reported cracks in the tunnel roof two weeks ago, the regional union leader, Anders Lind, said."),
        ("Officials said the rescue could take several days.", "Officials said the rescue could take up to a week."),
        ("The labour inspectorate has opened an investigation into the collapse.",
         "The labour inspectorate has opened an investigation into the collapse.\n\nKarvik, a town of about 9,000 people, has depended on the mine since the 1950s; a museum in the old pithead building tells its history."),
    ],
    [
        c("Eleven miners were trapped underground after part of a tunnel collapsed at the Karvik copper mine early on Thursday", "edited", "figure", "the mine's operator", "said"),
        c("Rescue teams have made contact with the men through a ventilation shaft", "unchanged", "none", "regional emergency officials", "according to"),
        c("all of them are alive", "unchanged", "none", "regional emergency officials", "according to"),
        c("The collapse happened about 600 metres below the surface during a shift change", "unchanged", "none"),
        c("when 43 workers were in the mine", "edited", "figure"),
        c("The others were brought to the surface within two hours.", "unchanged", "none"),
        c("workers had reported cracks in the tunnel roof two weeks ago", "reattributed", "reattribution", "A union official at the site", "said"),
        c("it had inspected the tunnel on Monday and found no sign of danger", "unchanged", "none", "The operator, Nordmetall", "said"),
        c("Engineers are drilling a second shaft to bring the trapped miners food, water and medicine.", "unchanged", "none"),
        c("the rescue could take several days", "needs_review", "figure", "Officials", "said"),
        c("Families of the trapped men waited at a community hall in Karvik", "unchanged", "none"),
        c("where counsellors and a priest were present", "unchanged", "none"),
        c("The labour inspectorate has opened an investigation into the collapse.", "unchanged", "insertion"),
    ],
    sources=["the mine's operator", "regional emergency officials", "A union official at the site", "The operator, Nordmetall", "Officials"],
    edit_kinds=["figure", "reattribution", "insertion"],
)

# 11 -----------------------------------------------------------------------
pair(
    "11-court-ruling",
    "Court strikes down Belmont's street-vending ban",
    """BELMONT — The administrative court has struck down the city’s ban on street vending in the old town, ruling that it was “disproportionate” and had been adopted without proper consultation.

The ban, introduced in May, had barred about 200 licensed vendors from selling food and souvenirs in the streets around the cathedral.

Judge Ana Ferreira wrote that the city had “failed to show that a total ban was necessary to protect public order.”

The vendors’ association, which brought the case, said its members had lost most of their income over the summer.

City hall said it was studying the ruling and had not yet decided whether to appeal — an appeal must be lodged within 30 days.

“We respect the court’s decision, but our concern about crowding remains,” deputy mayor Luís Carvalho said.

Vendors may return to the old town from Monday, according to the association’s lawyer, Rita Mendes.""",
    [
        ("city’s ban", "city's ban"),
        ("“disproportionate”", "\"disproportionate\""),
        ("“failed to show that a total ban was necessary to protect public order.”", "\"failed to show that a total ban was necessary to protect public order.\""),
        ("vendors’ association", "vendors' association"),
        ("whether to appeal — an appeal", "whether to appeal - an appeal"),
        ("“We respect the court’s decision, but our concern about crowding remains,”", "\"We respect the court's decision, but our concern about crowding remains,\""),
        ("association’s lawyer", "association's lawyer"),
        ("about 200 licensed vendors", "about 240 licensed vendors"),
        ("within 30 days", "within 30\u00a0days"),
    ],
    [
        c("The administrative court has struck down the city’s ban on street vending in the old town", "unchanged", "quote_marks"),
        c("ruling that it was “disproportionate” and had been adopted without proper consultation", "unchanged", "quote_marks", "The administrative court", "ruling that", "disproportionate"),
        c("The ban, introduced in May, had barred about 200 licensed vendors from selling food and souvenirs in the streets around the cathedral.", "edited", "figure"),
        c("the city had “failed to show that a total ban was necessary to protect public order.”", "unchanged", "quote_marks", "Judge Ana Ferreira", "wrote that", "failed to show that a total ban was necessary to protect public order."),
        c("The vendors’ association, which brought the case", "unchanged", "quote_marks"),
        c("its members had lost most of their income over the summer", "unchanged", "none", "The vendors’ association", "said"),
        c("it was studying the ruling and had not yet decided whether to appeal", "unchanged", "quote_marks", "City hall", "said"),
        c("an appeal must be lodged within 30 days", "unchanged", "quote_marks"),
        c("“We respect the court’s decision, but our concern about crowding remains,”", "unchanged", "quote_marks", "deputy mayor Luís Carvalho", "said", "We respect the court’s decision, but our concern about crowding remains"),
        c("Vendors may return to the old town from Monday", "unchanged", "quote_marks", "the association’s lawyer, Rita Mendes", "according to"),
    ],
    sources=["The administrative court", "Judge Ana Ferreira", "The vendors’ association", "City hall", "deputy mayor Luís Carvalho", "the association’s lawyer, Rita Mendes"],
    edit_kinds=["quote_marks", "figure"],
)

# 12 -----------------------------------------------------------------------
pair(
    "12-launch-delay",
    "Launch of Aurora weather satellite delayed again",
    """The launch of the Aurora-2 weather satellite has been postponed for a second time because of a fault in a fuel valve of the launcher's upper stage, the space agency said on Monday.

The launch, planned for 14 November from the Saint-Anne spaceport, has been moved to no earlier than 2 December.

Engineers detected an irregular pressure reading during a routine check on Saturday, and the valve will be replaced, agency spokesperson Jonas Eklund said.

Aurora-2 is designed to improve storm forecasts over the North Atlantic by measuring wind speeds at different altitudes.

The satellite cost about 480 million euros to build and was funded by eleven member states.

Its predecessor, Aurora-1, stopped transmitting in March after nine years in orbit, three years longer than planned.

Meteorologists said the gap in data would have little effect on everyday forecasts but could make it harder to predict the path of severe storms.

The agency said the satellite itself was not affected and remained in a clean room at the spaceport.""",
    [
        ("no earlier than 2 December", "no earlier than 9 December"),
        ("Engineers detected an irregular pressure reading during a routine check on Saturday, and the valve will be replaced, agency spokesperson Jonas Eklund said.",
         "Engineers detected an irregular pressure reading during a routine check on Saturday, and the valve will be replaced, the launch contractor, Orbitec, said."),
        ("Meteorologists said the gap in data would have little effect on everyday forecasts but could make it harder to predict the path of severe storms.\n\n", ""),
        ("The satellite cost about 480 million euros to build and was funded by eleven member states.",
         "The satellite cost about 480 million euros to build and was funded by eleven member states.\n\nA group of schoolchildren from the spaceport's home town won a competition to name the satellite's mission patch, which shows a lighthouse and a storm cloud."),
        ("three years longer than planned", "four years longer than planned"),
    ],
    [
        c("The launch of the Aurora-2 weather satellite has been postponed for a second time", "unchanged", "none", "the space agency", "said"),
        c("because of a fault in a fuel valve of the launcher's upper stage", "unchanged", "none", "the space agency", "said"),
        c("The launch, planned for 14 November from the Saint-Anne spaceport, has been moved to no earlier than 2 December.", "edited", "figure"),
        c("Engineers detected an irregular pressure reading during a routine check on Saturday", "reattributed", "reattribution", "agency spokesperson Jonas Eklund", "said"),
        c("the valve will be replaced", "reattributed", "reattribution", "agency spokesperson Jonas Eklund", "said"),
        c("Aurora-2 is designed to improve storm forecasts over the North Atlantic by measuring wind speeds at different altitudes.", "unchanged", "none"),
        c("The satellite cost about 480 million euros to build", "unchanged", "insertion"),
        c("was funded by eleven member states", "unchanged", "insertion"),
        c("Its predecessor, Aurora-1, stopped transmitting in March after nine years in orbit, three years longer than planned.", "edited", "figure"),
        c("the gap in data would have little effect on everyday forecasts", "dropped", "dropped", "Meteorologists", "said"),
        c("could make it harder to predict the path of severe storms", "dropped", "dropped", "Meteorologists", "said"),
        c("the satellite itself was not affected and remained in a clean room at the spaceport", "unchanged", "none", "The agency", "said"),
    ],
    sources=["the space agency", "agency spokesperson Jonas Eklund", "the launch contractor, Orbitec", "Meteorologists", "The agency"],
    edit_kinds=["figure", "reattribution", "dropped", "insertion"],
)

# 13 -----------------------------------------------------------------------
pair(
    "13-museum-reopening",
    "Marlow museum reopens after four-year renovation",
    """MARLOW — The Marlow Museum of Art reopened on Saturday after a four-year renovation that cost 58 million pounds, more than twice the original estimate.

About 6,000 visitors came through the doors on the first day, the museum said, and queues stretched along the river embankment by mid-morning.

The renovation added a new wing for contemporary art and restored the building's Victorian glass roof, which had been leaking since the 1970s.

Director Priya Nair said the museum wanted to be "a place where everyone feels welcome, not only art historians."

Entry to the permanent collection remains free, but temporary exhibitions will cost 12 pounds, or 6 pounds for students.

Opening hours are 10am to 6pm, Tuesday to Sunday.

The council, which owns the building, said the overspend had been covered by a national heritage grant and private donations.

Critics have questioned whether a town of 80,000 people can sustain a museum of this size.

The opening exhibition, devoted to the landscape painter Edith Crane, runs until April. The opening exhibition, devoted to the landscape painter Edith Crane, is the largest ever shown of her work.""",
    [
        ("About 6,000 visitors", "About 7,500 visitors"),
        ("Critics have questioned whether a town of 80,000 people can sustain a museum of this size.\n\n", ""),
        ("Director Priya Nair said", "The museum's director, Priya Nair, said"),
        ("The council, which owns the building, said the overspend had been covered by a national heritage grant and private donations.",
         "The council, which owns the building, said the overspend had been covered by a national heritage grant and private donations.\n\nA café on the top floor, run by a local social enterprise, offers views across the river to the cathedral."),
        ("Entry to the permanent collection remains free, but temporary exhibitions will cost 12 pounds, or 6 pounds for students.",
         "Entry to the permanent collection remains free. Tickets for temporary exhibitions cost 12 pounds; students pay half."),
        ("runs until April. The opening", "runs until April. Also on show: The opening"),
        ("Opening hours are 10am to 6pm, Tuesday to Sunday.\n\n", ""),
        ("MARLOW — ", "Visitor information: Opening hours are 10am to 6pm, Tuesday to Sunday.\n\nMARLOW — "),
        ("is the largest ever shown of her work.", "is the largest ever shown of her work.\n\nVisitor information: Opening hours are 10am to 6pm, Tuesday to Sunday."),
    ],
    [
        c("The Marlow Museum of Art reopened on Saturday after a four-year renovation that cost 58 million pounds", "unchanged", "none"),
        c("more than twice the original estimate", "unchanged", "none"),
        c("About 6,000 visitors came through the doors on the first day", "edited", "figure", "the museum", "said"),
        c("queues stretched along the river embankment by mid-morning", "unchanged", "none"),
        c("The renovation added a new wing for contemporary art", "unchanged", "none"),
        c("restored the building's Victorian glass roof, which had been leaking since the 1970s", "unchanged", "none"),
        c("the museum wanted to be \"a place where everyone feels welcome, not only art historians.\"", "unchanged", "none", "Director Priya Nair", "said", "a place where everyone feels welcome, not only art historians."),
        c("Entry to the permanent collection remains free", "unchanged", "rewording"),
        c("temporary exhibitions will cost 12 pounds, or 6 pounds for students", "needs_review", "rewording"),
        c("the overspend had been covered by a national heritage grant and private donations", "unchanged", "insertion", "The council, which owns the building", "said"),
        c("Critics have questioned whether a town of 80,000 people can sustain a museum of this size.", "dropped", "dropped"),
        c("runs until April", "unchanged", "none"),
        c("Opening hours are 10am to 6pm, Tuesday to Sunday.", "ambiguous", "move"),
    ],
    sources=["the museum", "Director Priya Nair", "The museum's director, Priya Nair", "The council, which owns the building"],
    edit_kinds=["figure", "dropped", "rewording", "insertion"],
)

# Held out: pairs 14 and 15 were written, and labelled, after the classifier
# was calibrated on pairs 1-13, and were not used to tune it.

# 14 -----------------------------------------------------------------------
pair(
    "14-port-strike",
    "Dockworkers at Port Elvan begin indefinite strike",
    """PORT ELVAN — Dockworkers at the container terminal of Port Elvan walked off the job at 6am on Tuesday, beginning an indefinite strike over pay and shift patterns.

About 1,200 members of the transport workers' union are taking part, according to union organisers.

The port authority said 14 container ships were waiting at anchor by Tuesday evening and that perishable goods were being diverted to Kessel.

Union secretary Mira Halvorsen said workers had been offered a 2 percent raise that "does not even cover the rise in rents."

Terminal operator Nordhavn Logistics said its offer was "fair and final" and warned that the strike would cost the regional economy millions.

Retailers' association chair Piet Donker said supermarket shelves could run short of fresh fruit within a week.

The last strike at the port, in 2019, lasted eleven days.

Talks are due to resume on Thursday under a government-appointed mediator.""",
    [
        ("About 1,200 members", "About 1,400 members"),
        ("14 container ships", "19 container ships"),
        ("Retailers' association chair Piet Donker said supermarket shelves could run short of fresh fruit within a week.\n\n", ""),
        ("The last strike at the port, in 2019, lasted eleven days.",
         "The last strike at the port, in 2019, lasted eleven days.\n\nThe port, founded in the 1870s as a fishing harbour, now handles a fifth of the country's container traffic."),
        ("Terminal operator Nordhavn Logistics said its offer was \"fair and final\"",
         "Terminal operator Nordhavn Logistics said its offer was “fair and final”"),
        ("according to union organisers", "according to the port authority"),
        ("Talks are due to resume on Thursday under a government-appointed mediator.",
         "Talks will resume on Friday, with a mediator appointed by the government."),
    ],
    [
        c("Dockworkers at the container terminal of Port Elvan walked off the job at 6am on Tuesday", "unchanged", "none"),
        c("beginning an indefinite strike over pay and shift patterns", "unchanged", "none"),
        c("About 1,200 members of the transport workers' union are taking part", "reattributed", "reattribution", "union organisers", "according to"),
        c("14 container ships were waiting at anchor by Tuesday evening", "edited", "figure", "The port authority", "said"),
        c("perishable goods were being diverted to Kessel", "unchanged", "none", "The port authority", "said"),
        c("workers had been offered a 2 percent raise that \"does not even cover the rise in rents.\"", "unchanged", "none", "Union secretary Mira Halvorsen", "said", "does not even cover the rise in rents."),
        c("its offer was \"fair and final\"", "unchanged", "quote_marks", "Terminal operator Nordhavn Logistics", "said", "fair and final"),
        c("the strike would cost the regional economy millions", "unchanged", "quote_marks", "Terminal operator Nordhavn Logistics", "warned that"),
        c("supermarket shelves could run short of fresh fruit within a week", "dropped", "dropped", "Retailers' association chair Piet Donker", "said"),
        c("The last strike at the port, in 2019, lasted eleven days.", "unchanged", "insertion"),
        c("Talks are due to resume on Thursday under a government-appointed mediator.", "needs_review", "rewording"),
    ],
    sources=["union organisers", "The port authority", "the port authority", "Union secretary Mira Halvorsen", "Terminal operator Nordhavn Logistics", "Retailers' association chair Piet Donker"],
    edit_kinds=["figure", "dropped", "insertion", "quote_marks", "reattribution", "rewording"],
    held_out=True,
)

# 15 -----------------------------------------------------------------------
pair(
    "15-library-fire",
    "Fire damages historic library in Castelmar",
    """CASTELMAR — A fire broke out in the roof of the Castelmar municipal library late on Friday, destroying part of its collection of 18th-century maps, the city said.

Firefighters brought the blaze under control after about three hours. No one was injured.

The library's director, Tomasz Wielgus, said about 300 maps had been lost and that water damage to the reading room was "severe but repairable."

The cause of the fire is not yet known. Police said they did not suspect arson.

Volunteers formed a human chain on Saturday morning to carry boxes of undamaged books to the town hall.

The building, a former convent, had been renovated in 2015 at a cost of 6 million euros.

The library will stay closed for at least six months, the city said.""",
    [
        ("about 300 maps had been lost", "about 340 maps had been lost"),
        ("The cause of the fire is not yet known. Police said they did not suspect arson.",
         "The cause of the fire is not yet known. Investigators from the regional fire brigade said they did not suspect arson."),
        ("Volunteers formed a human chain on Saturday morning to carry boxes of undamaged books to the town hall.\n\n", ""),
        ("The library will stay closed", "Volunteers formed a human chain on Saturday morning to carry boxes of undamaged books to the town hall.\n\nThe library will stay closed"),
        ("The building, a former convent, had been renovated in 2015 at a cost of 6 million euros.\n\n", ""),
        ("after about three hours", "after about four hours"),
    ],
    [
        c("A fire broke out in the roof of the Castelmar municipal library late on Friday", "unchanged", "none", "the city", "said"),
        c("destroying part of its collection of 18th-century maps", "unchanged", "none", "the city", "said"),
        c("Firefighters brought the blaze under control after about three hours.", "edited", "figure"),
        c("No one was injured.", "unchanged", "none"),
        c("about 300 maps had been lost", "edited", "figure", "The library's director, Tomasz Wielgus", "said"),
        c("water damage to the reading room was \"severe but repairable.\"", "unchanged", "none", "The library's director, Tomasz Wielgus", "said", "severe but repairable."),
        c("The cause of the fire is not yet known.", "unchanged", "none"),
        c("they did not suspect arson", "reattributed", "reattribution", "Police", "said"),
        c("Volunteers formed a human chain on Saturday morning", "moved", "move"),
        c("to carry boxes of undamaged books to the town hall", "moved", "move"),
        c("The building, a former convent, had been renovated in 2015 at a cost of 6 million euros.", "dropped", "dropped"),
        c("The library will stay closed for at least six months", "unchanged", "none", "the city", "said"),
    ],
    sources=["the city", "The library's director, Tomasz Wielgus", "Police"],
    edit_kinds=["figure", "reattribution", "move", "dropped"],
    held_out=True,
)

# 16 ------------------------------------------------------------------------
pair(
    "16-bus-crash",
    "Bus overturns on mountain road near Valdris",
    """VALDRIS — A coach carrying 38 passengers overturned on a mountain road north of Valdris on Sunday evening, killing two people and injuring at least 20, the regional police said.

The bus, operated by the private company Altline, was travelling from the ski resort of Montsec to the capital when it left the road on a sharp bend, police spokesperson Irene Falk told reporters.

"The driver appears to have lost control on the ice," Falk said, adding that the road had been gritted in the afternoon.

Seven of the injured were taken to hospital by helicopter and three remain in a serious condition, according to the regional health service.

Altline said in a statement that it was cooperating fully with investigators and that its vehicles were inspected every six months.

The road was closed for about five hours while rescuers worked to free passengers trapped inside.

Local residents said the bend had been the scene of several accidents in recent years and called for a barrier to be built.

The transport ministry said it would review safety on mountain roads before the end of the winter season.""",
    [
        ("killing two people and injuring at least 20", "killing three people and injuring at least 24"),
        ("police spokesperson Irene Falk told reporters", "police spokesperson Irene Falk told a news conference"),
        ("adding that the road had been gritted in the afternoon", "adding that the road had been gritted earlier on Sunday afternoon"),
        ("Seven of the injured were taken to hospital by helicopter and three remain in a serious condition",
         "Nine of the injured were flown to hospital and four remain in a serious condition"),
        ("The road was closed for about five hours while rescuers worked to free passengers trapped inside.\n\n", ""),
        ("The transport ministry said it would review safety",
         "A memorial service for the victims will be held in Valdris on Friday, the mayor's office said.\n\nThe transport ministry said it would review safety"),
        ("Local residents said the bend had been the scene of several accidents in recent years and called for a barrier to be built.",
         "Residents have long complained about the bend, which has seen a number of crashes, and want a barrier installed."),
    ],
    [
        c("A coach carrying 38 passengers overturned on a mountain road north of Valdris on Sunday evening", "unchanged", "none", "the regional police", "said"),
        c("killing two people and injuring at least 20", "edited", "figure", "the regional police", "said"),
        c("The bus, operated by the private company Altline, was travelling from the ski resort of Montsec to the capital", "unchanged", "none", "police spokesperson Irene Falk", "told"),
        c("when it left the road on a sharp bend", "unchanged", "none", "police spokesperson Irene Falk", "told"),
        c("The driver appears to have lost control on the ice", "unchanged", "none", "Falk", "said", "The driver appears to have lost control on the ice"),
        c("the road had been gritted in the afternoon", "edited", "rewording", "Falk", "adding"),
        c("Seven of the injured were taken to hospital by helicopter and three remain in a serious condition", "needs_review", "rewording", "the regional health service", "according to"),
        c("it was cooperating fully with investigators", "unchanged", "insertion", "Altline", "said"),
        c("its vehicles were inspected every six months", "unchanged", "none", "Altline", "said"),
        c("The road was closed for about five hours while rescuers worked to free passengers trapped inside.", "dropped", "dropped"),
        c("the bend had been the scene of several accidents in recent years", "needs_review", "rewording", "Local residents", "said"),
        c("it would review safety on mountain roads before the end of the winter season", "unchanged", "insertion", "The transport ministry", "said"),
    ],
    sources=["the regional police", "police spokesperson Irene Falk", "Falk", "the regional health service", "Altline", "Local residents", "The transport ministry"],
    edit_kinds=["figure", "rewording", "dropped", "insertion"],
    held_out=True,
)

# 17 ------------------------------------------------------------------------
pair(
    "17-factory-layoffs",
    "Carmaker to cut jobs at Brenford plant",
    """BRENFORD — The carmaker Veltro will cut 1,400 jobs at its Brenford assembly plant over the next two years as it shifts production to electric models, the company said on Wednesday.

The cuts amount to roughly a quarter of the plant's workforce, according to figures published by the regional employment office.

Veltro's chief operating officer, Dana Kovac, said the decision was "painful but unavoidable" given falling demand for diesel vehicles.

The company expects most of the reductions to come through early retirement and voluntary departures, Kovac said.

The metalworkers' union IG Stahl called the plan a betrayal and said it would ballot its members on strike action next week.

The plant, which opened in 1978, produced about 210,000 vehicles last year.

Regional economy minister Petra Lorenz said the government would seek talks with the company's management in the coming days.

Shares in Veltro rose 2 percent in Frankfurt after the announcement.""",
    [
        ("will cut 1,400 jobs", "will cut 1,600 jobs"),
        ("the company said on Wednesday", "the company said on Wednesday, confirming an earlier report by the business daily Handelspost"),
        ("The cuts amount to roughly a quarter of the plant's workforce, according to figures published by the regional employment office.\n\n", ""),
        ("The company expects most of the reductions to come through early retirement and voluntary departures",
         "The company expects most of the cuts to come through early retirement and voluntary redundancy"),
        ("and said it would ballot its members on strike action next week", "and said it would ballot its members on strike action this week"),
        ("The plant, which opened in 1978, produced about 210,000 vehicles last year.\n\n", ""),
        ("Regional economy minister Petra Lorenz said the government would seek talks",
         "The plant, which opened in 1978, produced about 190,000 vehicles last year.\n\nRegional economy minister Petra Lorenz said the government would seek talks"),
        ("Shares in Veltro rose 2 percent in Frankfurt after the announcement.",
         "Shares in Veltro closed 3 percent higher in Frankfurt."),
    ],
    [
        c("The carmaker Veltro will cut 1,400 jobs at its Brenford assembly plant over the next two years", "edited", "figure", "the company", "said"),
        c("as it shifts production to electric models", "unchanged", "none", "the company", "said"),
        c("The cuts amount to roughly a quarter of the plant's workforce", "dropped", "dropped", "figures published by the regional employment office", "according to"),
        c("the decision was \"painful but unavoidable\" given falling demand for diesel vehicles", "unchanged", "none", "Veltro's chief operating officer, Dana Kovac", "said", "painful but unavoidable"),
        c("The company expects most of the reductions to come through early retirement and voluntary departures", "edited", "rewording", "Kovac", "said"),
        c("The metalworkers' union IG Stahl called the plan a betrayal", "unchanged", "none"),
        c("it would ballot its members on strike action next week", "edited", "figure", "The metalworkers' union IG Stahl", "said"),
        c("The plant, which opened in 1978, produced about 210,000 vehicles last year.", "edited", "figure"),
        c("the government would seek talks with the company's management in the coming days", "unchanged", "move", "Regional economy minister Petra Lorenz", "said"),
        c("Shares in Veltro rose 2 percent in Frankfurt after the announcement.", "needs_review", "rewording"),
    ],
    sources=["the company", "figures published by the regional employment office", "Veltro's chief operating officer, Dana Kovac", "Kovac", "The metalworkers' union IG Stahl", "Regional economy minister Petra Lorenz"],
    edit_kinds=["figure", "rewording", "dropped", "move", "insertion"],
    held_out=True,
)

# 18 ------------------------------------------------------------------------
pair(
    "18-heatwave",
    "Heat record broken as wave spreads north",
    """LINDAU — Temperatures reached 41.2 degrees Celsius in Lindau on Tuesday, the highest ever recorded in the country, the national weather service said.

The previous record, 40.3 degrees, was set in the southern town of Ferra in August 2019.

The weather service issued its highest "red" alert for six regions and warned that the heat would last until at least Friday.

Hospitals in Lindau reported a sharp rise in admissions for heatstroke, mostly among people over 75, a spokesperson for the city's health department said.

Rail operator NordBahn cancelled 120 regional trains after tracks buckled in the heat near Tallmark.

Farmers' association president Jens Aalto said the drought had already destroyed about a third of the wheat crop in the east.

Authorities opened 40 air-conditioned public buildings as "cool rooms" for residents without air conditioning.

Climate scientist Miriam Okafor of Lindau University said such heatwaves had become "several times more likely" because of global warming.""",
    [
        ("Temperatures reached 41.2 degrees Celsius in Lindau on Tuesday", "Temperatures reached 41.5 degrees Celsius in Lindau on Tuesday"),
        ("and warned that the heat would last until at least Friday", "and warned that the heat would last until at least Sunday"),
        ("mostly among people over 75, a spokesperson for the city's health department said",
         "mostly among people over 80, a spokesperson for the city's health department said"),
        ("Rail operator NordBahn cancelled 120 regional trains after tracks buckled in the heat near Tallmark.",
         "Rail operator NordBahn cancelled more than 150 regional trains after tracks buckled near Tallmark."),
        ("Farmers' association president Jens Aalto said the drought had already destroyed about a third of the wheat crop in the east.",
         "The drought had already destroyed about a third of the wheat crop in the east, according to the agriculture ministry."),
        ("Authorities opened 40 air-conditioned public buildings", "Authorities opened 40 air‑conditioned public buildings"),
        ("as \"cool rooms\" for residents", "as “cool rooms” for residents"),
        ("Climate scientist Miriam Okafor of Lindau University said such heatwaves had become \"several times more likely\" because of global warming.",
         "Lindau University climate scientist Miriam Okafor said such heatwaves had become \"several times more likely\" because of global warming.\n\nThe weather service said it would publish a full assessment of the heatwave next month."),
    ],
    [
        c("Temperatures reached 41.2 degrees Celsius in Lindau on Tuesday", "edited", "figure", "the national weather service", "said"),
        c("the highest ever recorded in the country", "unchanged", "none", "the national weather service", "said"),
        c("The previous record, 40.3 degrees, was set in the southern town of Ferra in August 2019.", "unchanged", "none"),
        c("The weather service issued its highest \"red\" alert for six regions", "unchanged", "none"),
        c("the heat would last until at least Friday", "edited", "figure", "The weather service", "warned"),
        c("Hospitals in Lindau reported a sharp rise in admissions for heatstroke, mostly among people over 75", "edited", "figure", "a spokesperson for the city's health department", "said"),
        c("Rail operator NordBahn cancelled 120 regional trains after tracks buckled in the heat near Tallmark.", "edited", "figure"),
        c("the drought had already destroyed about a third of the wheat crop in the east", "reattributed", "reattribution", "Farmers' association president Jens Aalto", "said"),
        c("Authorities opened 40 air-conditioned public buildings as \"cool rooms\" for residents without air conditioning.", "unchanged", "quote_marks"),
        c("such heatwaves had become \"several times more likely\" because of global warming", "unchanged", "insertion", "Climate scientist Miriam Okafor of Lindau University", "said", "several times more likely"),
    ],
    sources=["the national weather service", "The weather service", "a spokesperson for the city's health department", "Farmers' association president Jens Aalto", "the agriculture ministry", "Climate scientist Miriam Okafor of Lindau University"],
    edit_kinds=["figure", "reattribution", "quote_marks", "insertion"],
    held_out=True,
)


def apply(text, edits):
    for old, new in edits:
        n = text.count(old)
        if n != 1:
            raise SystemExit(f"edit {old[:50]!r} occurs {n} times")
        text = text.replace(old, new)
    return text


def main():
    total = 0
    for p in PAIRS:
        d = ROOT / p["name"]
        d.mkdir(parents=True, exist_ok=True)
        old = p["old"] + "\n"
        new = apply(old, p["edits"])
        for cl in p["claims"]:
            n = old.count(cl["quote"])
            if n != 1:
                raise SystemExit(f'{p["name"]}: claim {cl["quote"][:50]!r} occurs {n} times')
        (d / "old.txt").write_text(old, encoding="utf-8")
        (d / "new.txt").write_text(new, encoding="utf-8")
        gold = {
            "$comment": "Gold labels of claim drift (format: schemas/drift-gold.schema.json). Fiction written for this evaluation.",
            "title": p["title"],
            "edit_kinds": p["edit_kinds"],
            "sources": p["sources"],
            "claims": p["claims"],
        }
        if p["held_out"]:
            gold["held_out"] = True
        (d / "gold.json").write_text(
            json.dumps(gold, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        total += len(p["claims"])
    print(f"{len(PAIRS)} pairs, {total} claims")


if __name__ == "__main__":
    main()
