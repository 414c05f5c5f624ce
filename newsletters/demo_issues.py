"""The three TASP newsletter issues in the seeds (000: Spring 2020; 001: October 2019 and
"All change?", autumn 2019), section by section, for the demo data.

Personal email addresses and phone numbers in the seeds are replaced by "contact the TASP
office"; obvious typos are tidied. Bodies are simple HTML (p, ul/li).
"""

from datetime import date

ISSUES = [
    {
        "title": "Newsletter - Spring 2020",
        "issued_on": date(2020, 3, 16),
        "welcome": (
            "<p>Welcome to our latest newsletter. The risks posed by COVID 19 are having a "
            "significant impact on us all. Situations like this gives cause for all to stop "
            "and think about our vulnerability. As well as the part we all play in facing up "
            "to such challenges whether on a personal, professional or collective level. This"
            " is of course not a new challenge for safeguarding partners given their role in "
            "protecting children and young people. Safeguarding partnerships are generally "
            "about getting the best from the efforts people make, to protect people and try "
            "to prevent or change the circumstances that can give rise to harm. Although the "
            "characteristics of a possible epidemic or pandemic might differ in some ways, "
            "the emergent response highlights the value of effective arrangements for working"
            " together and reminds us that such efforts represent steps made in good faith "
            "and the best use of intelligence and experience. The commonality probably rests "
            "in where we find ourselves in promoting hope in the face of fear.</p><p>Recently"
            " there was an interesting letter in the Times, following a leading article "
            "responding to what needs to be done to improve how we protect children. The "
            "author of the letter made a powerful point, which parallels with our response to"
            " COVID 19, that we could well improve our understanding of why abuse happens, "
            "particularly child sexual abuse, and therefore ensure that prevention is more "
            "effective. Although time and resources can work against achieving a coherent "
            "narrative and approach to how we understand and can recognise those who present "
            "a risk to children at a local or a national level.</p><p>We must surely look to "
            "provide further investment in pulling together research and experience if we are"
            " to shift from our often reactive approach? Too often local partnerships are "
            "trapped in trying to keep up and meet with diverse and often moving "
            "expectations, (not to mention debates as to currency and worth), that they are "
            "not able to achieve the level of presentation and engagement that the current "
            "response to COVID 19 appears to be achieving. There must be merit in galvanising"
            " the public and professional response to threats that by their very nature "
            "undermine or raise questions about that which we tend to take for "
            "granted.</p><p>In this newsletter we bring to your attention a number of key "
            "recent publications, which serve to inform how partners and partnerships "
            "continue to shape their vision and versions of local arrangements. There are "
            "further details about our conference in June and we are pleased to have signed "
            "up some interesting key speakers and workshops, which we intend will help and "
            "promote with the continued transition between the former and the new "
            "arrangements. TASP will also be looking to work with Sir Alan Wood in the second"
            " phase of his review.</p><p>Requests for members including renewals are being "
            "sent out, and as we move into the first full year of TASP we need to build on "
            "the commitments made by partnerships this year. Importantly we are launching "
            "membership for a range of other partnerships and safeguarding partners who are "
            "charged with promoting joint working focused on safeguarding, across the private"
            " and voluntary sector. We are also in discussion with other important "
            "organisations who may want to join TASP in creating a learning network that "
            "share and promotes the values and experiences that arise from safeguarding "
            "governance arrangements and practice.</p>"
        ),
        "signoff_name": "Richard Burrows",
        "signoff_role": "TASP Chair",
        "sections": [
            {
                "heading": "TASP Update",
                "items": [
                    {
                        "title": (
                            "TASP Conference - Strengthening Safeguarding Partnerships: "
                            "sharing the learning from the journey so far"
                        ),
                        "body": (
                            "<p>The inaugural annual conference of the newly formed TASP will"
                            " be held on 24th and 25th June, 2020. This will be the first "
                            "opportunity for all lead safeguarding partners to reflect "
                            "nationally on the impact of the reforms suggested by Alan Wood, "
                            "and later embedded in the Children and Social Work Act (2017) "
                            "and in Working Together to Safeguard Children (2018). The "
                            "conference will give participants an opportunity to hear the "
                            "latest thinking from high profile national figures and to engage"
                            " in practical workshops addressing the key challenges facing the"
                            " new partnerships. Topics covered will include: the role of the "
                            "three lead safeguarding children partners; the National Panel; "
                            "the function of independent scrutiny; reporting to local and "
                            "national bodies, and engaging with children, young people and "
                            "families. The conference is a unique opportunity to network with"
                            " your fellow professionals and leaders who are addressing shared"
                            " national challenges and to ensure you are up-to-date with "
                            "recent developments.</p><p>As situation develops with COVID19 we"
                            " are actively looking at a number of options but we do want to "
                            "emphasise we are committed to making the conference happen this "
                            "year, subject to changing government guidance. We will of "
                            "course, keep you all up to date, as decisions are made.</p>"
                        ),
                    },
                    {
                        "title": "TASP Membership Renewal",
                        "body": (
                            "<p>Your membership renewal requests will be distributed this "
                            "week. The letter will include details on rates and flexibility "
                            "for new Partnership structures as well as how to ensure your "
                            "renewal is seamless. We hope you will be able to support TASP "
                            "for a further year and look forward to your responses.</p>"
                        ),
                    },
                    {
                        "title": "TASP Trustee Position",
                        "body": (
                            "<p>You are able to view our Charity Status here. Our "
                            "Constitution allows for up to twelve trustees and requires us to"
                            " have a minimum of three; which we want to achieve as soon as we"
                            " can, we currently have two. We are keen to ensure that our "
                            "Trustee Board is diverse in make up; both professionally and "
                            "demographically.</p><p>If you would like to be a trustee or have"
                            " someone you would like to recommend please contact the TASP "
                            "office for a conversation.</p>"
                        ),
                    },
                    {
                        "title": "Review of New Arrangements",
                        "body": (
                            "<p>TASP have agreed to support Sir Alan Wood in the second phase"
                            " of his work – more detail to follow!</p>"
                        ),
                    },
                    {
                        "title": "Widening the TASP Network",
                        "body": (
                            "<p>We are currently liaising with a range of national "
                            "organisations, who have an interest in safeguarding and "
                            "partnerships, to explore how we can collaborate and create a "
                            "broad learning network.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "National News",
                "items": [
                    {
                        "title": "New Parliamentary Under-Secretary of State for Children appointed",
                        "body": (
                            "<p>Vicky Ford MP was elected to the Chelmsford seat in 2017 and "
                            "was previously an MEP. She has briefly held roles in the Foreign"
                            " and Commonwealth Office and Department for International "
                            "Development. She has a background in commerce and finance. She "
                            "has spoken in Parliament debates on a number of issues relating "
                            "to children and young people. She is the fifth person to hold "
                            "this office in five years.</p>"
                        ),
                    },
                    {
                        "title": "Ofsted Annual Report 2018-2019",
                        "body": (
                            "<p>The Ofsted Annual Report 2018-2019 was published in January "
                            "2019. This met with a number of responses, including LGA and "
                            "ADCS.</p>"
                        ),
                    },
                    {
                        "title": "Child Safeguarding Practice Review Panel",
                        "body": (
                            "<p>We have no news yet as to when the chair will be replaced, "
                            "but they have just announced their publication of the Child "
                            "Safeguarding Practice Review Panel’s Annual Report and First "
                            "National Review. Their annual report highlights patterns in "
                            "practice they have gleaned from the 538 rapid reviews notified "
                            "to the Panel since it was established in July 2018. From this "
                            "analysis, teenagers and infants appear most at-risk of death and"
                            " serious harm in the context of abuse and neglect. This worrying"
                            " trend is something that they want to analyse further. "
                            "Adolescents at risk of criminal exploitation is the focus of "
                            'their first national review. "It Was Hard to Escape: '
                            'Safeguarding Children at Risk from Criminal Exploitation", '
                            "examines 21 cases where children died or were seriously harmed, "
                            "in which criminal exploitation was a factor. The review "
                            "identifies areas of innovative good practice and contains "
                            "recommendations at local and national level. Despite a good "
                            "level of awareness of the dangers of co-sleeping, the Panel has "
                            "still seen a high level of sudden unexpected deaths of babies in"
                            " the context of abuse and neglect. The national review into this"
                            " issue is expected in Spring 2020.</p><p>A new report by the "
                            "Child Safeguarding Practice Review Panel, calls for improvements"
                            " to the safeguarding system</p>"
                        ),
                    },
                    {
                        "title": (
                            "Headlines Relating to Issues Partnerships are Likely to be "
                            "Interested in"
                        ),
                        "body": (
                            "<ul><li>Home Schooling - Northamptonshire have published a case "
                            "review which provides further evidence that this is an issue "
                            "that needs to be addressed</li><li>Unregulated Care Homes have "
                            "been featured by BBC News and Ministers have pledged to "
                            "introduce a ban on the use of these types of placements for "
                            "under 16’s</li><li>Many partnerships are embracing Police led "
                            "developments regarding Violence Reduction strategies some of "
                            "which are embracing domestic abuse and driving forward learning "
                            "from Operation Encompass</li></ul>"
                        ),
                    },
                ],
            },
            {
                "heading": "Spotlight on... Some Significant New Publications",
                "items": [
                    {
                        "title": "Typology of CSA Offending",
                        "body": (
                            "<p>Child Sexual Abuse Centre has just published its Typology of "
                            "CSA Offending as a part of their ongoing research programme. "
                            "This is an interesting and helpful contribution to better "
                            "understanding child sexual abuse in a familial setting, and "
                            "encourages us to look at patterns of behaviour as opposed to "
                            "focusing on the characteristics of either the offender or the "
                            "victim. The research report is intended to be looked at in the "
                            "context of the parallel work undertaken by the CSA team looking "
                            "at Perpetration. The aim of the research is to inform practice, "
                            "and help those who are responsible for policy and practice "
                            "develop a stronger understanding of CSA in order to better "
                            "address the complexity, dynamics and different presentations of "
                            "this form of abuse, which as we know is often under "
                            "reported.</p>"
                        ),
                    },
                    {
                        "title": (
                            "Adverse Childhood Experiences: What we Know and Don’t Know and "
                            "What Should Happen Next"
                        ),
                        "body": (
                            "<p>The Early Intervention Foundation have just published a "
                            "report Adverse Childhood Experiences: What we Know and Don’t "
                            "Know and What Should Happen Next. Increasingly when partnerships"
                            " focus on early intervention and approaches that unify and "
                            "provide focus across agencies ACE comes up. It seems to divide "
                            "opinions between those who feel it has the potential to be a "
                            "game changer and those who are somewhat doubtful about its value"
                            " as a strategic means of improving how we tackle abuse and "
                            "neglect within a preventative and early help focused approach. "
                            "The report provides a welcome and comprehensive overview, and "
                            "constructively provides evidence and direction for how the "
                            "potential of ACE can play a role. The report, in our view, will "
                            "help local discussions that seek to determine whether and if so "
                            "how best to invest in this sort of approach.</p>"
                        ),
                    },
                    {
                        "title": (
                            "Complexity & Challenge: A Triennial Analysis of Serious Case "
                            "Reviews 2014-2017"
                        ),
                        "body": (
                            "<p>Research in Practice (RiP) have published the Complexity "
                            "&amp; Challenge: A Triennial Analysis of Serious Case Reviews "
                            "2014-2017 with resources to support the application of learning "
                            "into practice. Analysing 368 serious case reviews, relating to "
                            "incidents between 1 April 2014 and 31 March 2017, this is the "
                            "sixth consecutive analysis of serious case reviews by this "
                            "research team; together these reports cover 14 years from "
                            "2003-2017. Developed in collaboration with Research in Practice,"
                            " University of East Anglia Centre for Research on Children and "
                            "Families and the University of Warwick, the resources support "
                            "the application of learning from the Department for Education "
                            "Report.</p>"
                        ),
                    },
                    {
                        "title": (
                            "A Helpful Publication given the Leadership Arrangements for "
                            "Safeguarding"
                        ),
                        "body": (
                            "<p>Her Majesty’s Inspectorate of Constabulary and Fire &amp; "
                            "Rescue Services (HMICFRS) has published a thematic report "
                            "following inspections of the child protection work of police "
                            "forces in England and Wales. The report includes evidence from "
                            "64 inspections, and considers the ways in which the police "
                            "service, its safeguarding partners and the government need to "
                            "adapt and respond in order to meet the challenges they face. "
                            "Recommendations to Government include: the development of a "
                            "national early help and prevention strategy to address the root "
                            "causes of harm for vulnerable children; and a review of the "
                            "unnecessary detention of children. Recommendations to chief "
                            "constables include taking steps to reduce the unnecessary "
                            "criminalisation of children.</p>"
                        ),
                    },
                    {
                        "title": "Keeping Children Safe in Education",
                        "body": (
                            "<p>Government is consulting on revisions to ensure more of a "
                            "focus on vulnerable children. The Department for Education (DfE)"
                            " is consulting on proposed revisions to the Keeping Children "
                            "Safe in Education statutory guidance which sets out what schools"
                            " and colleges should do and the legal duties with which they "
                            "must comply to keep children safe in England. A table of "
                            "substantive changes is included in Annexe G and include: changes"
                            " to the role of Designated Safeguarding Leads in schools so that"
                            " they have a greater focus on improving the academic achievement"
                            " of children on the edge of care; and managing allegations of "
                            "abuse against staff. The consultation also includes the Sexual "
                            "violence and sexual harassment between children in schools and "
                            "colleges advice, which sets out what governing bodies and "
                            "proprietors should be doing to ensure reports of child-on-child "
                            "sexual violence and sexual harassment are managed "
                            "appropriately.</p>"
                        ),
                    },
                    {
                        "title": (
                            "Barnardo’s: the Hidden Impact of Domestic Abuse on Children and "
                            "Young People"
                        ),
                        "body": (
                            "<p>Barnardo’s has published a report looking at the hidden "
                            "impact of domestic abuse on children and young people in areas "
                            "including: mental health; child development; harmful sexual "
                            "behaviour; future cycles of abuse and youth offending. Published"
                            " ahead of the Domestic Abuse Bill, the report makes "
                            "recommendations including: that the Domestic Abuse Bill "
                            "explicitly recognises the impact of this crime on children; that"
                            " domestic abuse and coercive control are referenced as a key "
                            "risk to children’s health and wellbeing and changes should be "
                            "made to legislation to offer statutory support to child victims "
                            "of domestic abuse.</p>"
                        ),
                    },
                    {
                        "title": "COVID-19 Guidance for Social or Community Care and Residential Settings",
                        "body": (
                            "<p>COVID-19 Guidance for social or community care and "
                            "residential settings on COVID-19.</p>"
                        ),
                    },
                    {
                        "title": "Suggestions for Spotlight Items",
                        "body": (
                            "<p>Suggestions for spotlight items are welcomed. They need to "
                            "demonstrate a direct relevance to current arrangements and "
                            "issues, in order to highlight and contribute to local and "
                            "national dialogue. Please contact the TASP office.</p><p>Items "
                            "we have been asked for and are planning for:</p><ul><li>Emerging"
                            " learning from annual reports</li><li>Pen pictures of "
                            "partnerships</li><li>A day in the life of --- Independent "
                            "Scrutineer--- Business Manager --- Statutory Partner</li><li>The"
                            " future of multi-agency training</li><li>Unified Single Review "
                            "Pilot in Wales</li><li>Moving from SCR’s to CSPR’s</li></ul>"
                        ),
                    },
                ],
            },
            {
                "heading": "Spotlight on... Gender Identity",
                "items": [
                    {
                        "title": "Gender Identity",
                        "body": (
                            "<p>We know that partners and partnerships are committed to "
                            "issues of equality and diversity, so we thought it would be "
                            "helpful have a look at the issues and challenges around gender "
                            "identity as this might impact on partnerships as they review or "
                            "develop their position.</p><p>It is of course a complicated, "
                            "complex and potentially controversial matter, but as many press "
                            "reports highlight it is an issue that is increasingly important "
                            "to some young people, their parents and carers. Therefore it is "
                            "also important that partners as they represent and are "
                            "responsible for services and measures to safeguard children will"
                            " want to address.</p><p>The guide produced by Action for "
                            "Children provides a useful introduction.</p><p>We also know "
                            "aside from the complex issues around access to and consent for "
                            "help, therapy and treatment for transgender young people, that "
                            "being brave to be different can make people a target for "
                            "bullying, so it is most likely that local policies will address "
                            "this.</p><p>Much of the recent press coverage and related "
                            "academic articles confirm that this is a difficult and highly "
                            "politicised area, this probably means that partnerships will "
                            "want and need to review where they are in respect to the range "
                            "of issues it reflects, as well as more generally to the fact "
                            "that we know that LGBT and TG people are more likely to be "
                            "vulnerable and may not always recognise the traditional approach"
                            " and gateway to safeguarding support as being for them.</p><p>If"
                            " you have any experience or resources you would like to share "
                            "then let us know.</p><p>From an internet search, we found "
                            "these:</p><ul><li>Havering Safeguarding Children – Transgender "
                            "Guidance</li><li>Warwickshire Transgender Toolkit</li></ul>"
                        ),
                    },
                ],
            },
            {
                "heading": "News From...",
                "items": [
                    {
                        "title": "Ofsted",
                        "body": (
                            "<p>Ofsted held their regular consultation and communication "
                            "event with interested agencies in late February 2020. TASP were "
                            "invited to attend. We did and were able to contribute thoughts "
                            "to the impending review of Children in the Care System. This is "
                            "to be extensive and wide ranging and may mirror the relatively "
                            "recent Scottish Review.</p><p>There is currently a consultation "
                            "exercise on unregulated placements; with a closing date of 18th "
                            "April. We urge members to contribute.</p><p>Unregulated "
                            "placements will be the subject of the next focused "
                            "inspection.</p><p>The next JTAI will deal with the subject of "
                            "early help and early intervention.</p>"
                        ),
                    },
                    {
                        "title": "How we Choose the News",
                        "body": (
                            "<p>We regularly receive and scan for information and news that "
                            "we think will be helpful for partnerships. You can often find "
                            "further information on the website and we will try to signpost "
                            "this whenever we can. The things we include in the newsletter "
                            "are guided by direct relevance, topicality and contributions and"
                            " suggestions from members and TASP supporters. Inclusion and any"
                            " commentary should not be seen as a direct endorsement but "
                            "rather to help you have a look and make up your own minds.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Your Contributions",
                "items": [
                    {
                        "title": "Share Your Story",
                        "body": (
                            "<p>We would really welcome contributions, especially if you have"
                            " a story you would like to share that others would benefit from."
                            " Contact the TASP office and we can discuss how to include "
                            "this.</p><p>Please contact the TASP office if you would like any"
                            " help at all, or if you have queries or comments.</p>"
                        ),
                    },
                ],
            },
        ],
    },
    {
        "title": "What will a good new arrangement look like?",
        "issued_on": date(2019, 10, 14),
        "welcome": (
            "<p>There has been welcome clarification of the position Joint Targeted Area "
            "Inspections (JTAI) will take in respect of MASA, (see the item below). This "
            "includes a commitment to aggregate findings from the 10 JTAI’S undertaken each "
            "year. Inspections have always been an important, though of course selectively "
            "focused form of feedback, and have in recent years made a significant "
            "contribution to how we understand and form a view about effective safeguarding "
            "partnerships. This feedback has sat well alongside the efforts of others "
            "(including AILC) to embrace the challenge of providing some key reference points"
            " across a locally and nationally focused landscape.</p><p>The continued "
            "contribution from inspection will be helpful, but is unlikely to provide as "
            "sharp focus and driver as it previously did. This may be no bad thing, but "
            "raises a challenge as to how we can build on and arrive at a set of consistent "
            "measures for and ways of evaluating the effectiveness and contribution "
            "safeguarding partnership arrangements can make.</p><p>Under the new "
            "arrangements, statutory partners will most likely pay attention to the balance "
            "between what good looks like in terms of how this is judged against statutory "
            "functions, wider whole system considerations and activities that partnerships "
            "undertake. It remains to be seen how the new flexibilities, and therefore "
            "differences in choices and approaches, will impact on and require us to further "
            "consider how and perhaps the value of meaningful comparisons are arrived "
            "at.</p><p>The continued focus of inspection on effective leadership is also "
            "welcome, and it is interesting to note that many (perhaps in excess of 50%) of "
            "partnerships have chosen to incorporate a dedicated independent role. It will be"
            " important to better understand the different types of roles people are "
            "deploying and the relationship these have with the leadership arrangements and "
            "those for achieving effective “scrutiny”. Whilst some have retained the term and"
            " presumably some aspects of the role of “chair”, we know that others have not "
            "included this element.</p><p>There can be a tendency to form a view of "
            "arrangements on the basis of a misunderstanding that new roles are simply a "
            "continuation of a role that is no longer a requirement. It will take some time "
            "to review and understand the differences that are emerging as a result of the "
            "new freedoms to determine local choices, in terms of how the new tripartite "
            "leadership arrangements and different approaches to “scrutiny” incorporate "
            "“independent type roles”.</p><p>Successful partnership arrangements often have a"
            " strong narrative as well as well directed activity as to how they see the "
            "context for local joint working, and how this results in positive outcomes for "
            "vulnerable children and young people.</p><p>TASP is firmly committed to "
            "providing a place and a space where all concerned can share and draw on their "
            "experiences, in order to both identify common ground and to ensure that there "
            "remains an evidence based focus on “what works well and what good looks like” in"
            " the context of safeguarding partnerships.</p>"
        ),
        "signoff_name": "Richard Burrows",
        "signoff_role": "AILC Chair",
        "sections": [
            {
                "heading": "TASP Update",
                "items": [
                    {
                        "title": "Welcome to our Newest Members",
                        "body": (
                            "<ul><li>Harrow</li><li>Hammersmith &amp; Fulham, Kensington "
                            "&amp; Chelsea, "
                            "Westminster</li><li>Guernsey</li><li>Wakefield</li><li>Somerset</li></ul>"
                        ),
                    },
                    {
                        "title": "Website News",
                        "body": (
                            "<p>Currently we are still running our website through the "
                            "Association of Independent LSCB Chairs site, but we are "
                            "designing and building a separate website for TASP. We will "
                            "announce a launch date as soon as possible. In the meantime, we "
                            "have added two new pages for Police and Health, under our USEFUL"
                            " RESOURCES section. These will be used to promote any content or"
                            " materials that Police and Health wish to promote to our "
                            "network.</p><p>Please note, our Vacancy pages are still very "
                            "much in use and regularly have Independent Scrutineer posts "
                            "advertised. In fact, it is reported as a strong driver for "
                            "Partnerships, particularly as they are establishing new posts. "
                            "If you are not currently a member, and wish to advertise, it is "
                            "worth noting that this is a FREE service to our members. "
                            "Advertising is £650.00 for non-members. To view our Vacancy "
                            "pages click here.</p>"
                        ),
                        "link_url": "https://www.lscbchairs.org.uk/",
                        "link_text": "Association of Independent LSCB Chairs website",
                    },
                    {
                        "title": "Subscription and Membership",
                        "body": (
                            "<p>For 2019 – 2020 the fee for joining remains at £1500 for "
                            "partnerships focused on a single Local Authority area. We will "
                            "be consulting with members and others during the next few months"
                            " as to the future cost of membership from April 2020.</p><p>In "
                            "part because we want to reflect some of the differentials that "
                            "can apply, such as partnerships that cover a number of areas, or"
                            " have a national focus. It is right that we should both seek to "
                            "reflect some of the economies of scale that some of these "
                            "partnerships seek to reflect, as well as trying to make sure "
                            "that benefits are fairly accessed.</p><p>Therefore we have "
                            "introduced the following scale as a guide, for partnerships that"
                            " may meet the criteria.</p><p>The baseline offer of five "
                            "representatives who benefit directly from conference and event "
                            "discounts, early booking and priority website access to "
                            "dedicated resources, is based on the three Statutory Partners, a"
                            " Business Manager role and an Independent type role. As there "
                            "appears to be a number of other combinations in terms of "
                            "partnerships and we are also welcoming membership from other "
                            "organisations the above represents a guide and a basis of "
                            "negotiation.</p><ul><li>up to 5 representatives = £1500 "
                            "(equivalent to £300 pp)</li><li>up to 10 representatives = £2500"
                            " (equivalent to £250 pp)</li><li>up to 15 representatives = "
                            "£3375 (equivalent to £225 per person)</li><li>up to 20 "
                            "representatives = £4000 (equivalent to £200 per "
                            "person)</li><li>up to 25 representatives = £4375 (equivalent to "
                            "£175 per person)</li></ul><p>Any additional above 25 at £50.00 "
                            "per additional representative</p><p>We welcome any feedback on "
                            "these rates, and any other suggestions you may have as this will"
                            " help inform decisions about the future fee arrangements from "
                            "April next year. Please forward these to the TASP office.</p>"
                        ),
                    },
                    {
                        "title": "Survey Update",
                        "body": (
                            "<p>We have recently issued a survey asking our members to give "
                            "some feedback on services. We would really appreciate Membership"
                            " feedback, so if you haven't had a chance to complete it yet, we"
                            " welcome your participation! We will publish summary results in "
                            "November/December.</p>"
                        ),
                    },
                    {
                        "title": "Advisory Group",
                        "body": (
                            "<p>After the success of our first Advisory Group meeting, "
                            "another has been arranged for 4th November 2019 - 10.00 via "
                            "telephone conference. So please, if you have any free time, do "
                            "let us know if you would like to join us at this meeting. "
                            "Contact the TASP office and let us know.</p>"
                        ),
                    },
                    {
                        "title": "Conference News",
                        "body": (
                            "<p>After discussion with our advisory group we are working "
                            "towards a two-day conference in June 2020. We think this will be"
                            " a good time for people to come together to share and look at "
                            "progress, emerging learning and common issues and opportunities."
                            " More news shortly!</p>"
                        ),
                    },
                    {
                        "title": (
                            "News from our Statutory Safeguarding Partners – Health, Police &"
                            " Local Authorities"
                        ),
                        "body": (
                            "<p>As mentioned, we have added Police and Health news to our "
                            "website now and this month we have the NHS newsletter for "
                            "Safeguarding Partnerships:</p><p>In this issue the following is "
                            "covered:</p><ul><li>Facilitator Update</li><li>The National "
                            "Picture</li><li>Sarah Elliott from the National Panel shares her"
                            " perspective on Child Safeguarding Practice Reviews &amp; Rapid "
                            "Reviews</li><li>Serious Child Safeguarding Incident "
                            "Notifications</li></ul><p>Click here for Health and here for "
                            "Police.</p><p>We hope to include news, shortly, from the Local "
                            "Authority perspective.</p>"
                        ),
                    },
                    {
                        "title": "Membership",
                        "body": (
                            "<p>We welcome enquiries about joining us, remember though we are"
                            " presently mainly focused on statutory arrangements for children"
                            " and young people, membership is open to any organisation that "
                            "has a focus on safeguarding and partnership approaches.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Spotlight on...",
                "items": [
                    {
                        "title": "Cross Partnership Collaboration and Support",
                        "body": (
                            "<p>One important characteristic of the former LSCB arrangements "
                            "were “regional” arrangements. Based on a long gone configuration"
                            " of central government support at a regional level, mainly "
                            "focused on LA’s Business Managers and Chairs, these met "
                            "regularly to share good practice, offer peer support and work "
                            "towards consistency across a wider footprint.</p><p>The former "
                            "AILC worked closely with these networks ensuring that a director"
                            " was elected from each region. AILC worked with and sought to "
                            "support, each network, however these usually reflected local "
                            "interests, and were not per se AILC arrangements. It is fair to "
                            "say, and something to celebrate, that in most places these "
                            "flourished, resulting in some sharing of arrangements, "
                            "coordinated training and awareness raising as well as a focus on"
                            " the underpinnings of effective partnerships. There were "
                            "differences in focus and impact, and for some areas the "
                            "challenge of geography was an issue.</p><p>In the new world of "
                            "safeguarding partnerships, we understand that in some “regions” "
                            "people are maintaining their previous arrangements for "
                            "networking. In other areas new arrangements represent in "
                            "themselves a closer collaboration between partners and footprint"
                            " and might suggest a move away from the previous understanding "
                            "of “regional”.</p><p>We know that the East of England, Yorkshire"
                            " and Humber are maintaining their meetings and would be "
                            "interested to hear about others. We are also happy to share news"
                            " from them.</p><p>There can be no doubt, that especially for "
                            "business managers the opportunity to share practice and access "
                            "peer support is important, and although it is early days, the "
                            "opportunity for others who now hold a variety of independent "
                            "type roles to meet and share may well be important.</p><p>TASP "
                            "will, once its governance arrangements are fully established, "
                            "consult closely with members in relation to how it might support"
                            " and draw on any continuation and development of locally focused"
                            " peer support and sharing arrangements for those roles that "
                            "underpin the new arrangements.</p><p>Please contact the TASP "
                            "office about where you are in your own areas, and any thoughts "
                            "you have.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "News From...",
                "items": [
                    {
                        "title": "How we Choose the News",
                        "body": (
                            "<p>We regularly receive and scan for information and news that "
                            "we think will be helpful for partnerships. You can often find "
                            "further information on the website and we will try to signpost "
                            "this whenever we can. The things we include in the newsletter "
                            "are guided by direct relevance, topicality and contributions and"
                            " suggestions from members and TASP supporters. Inclusion and any"
                            " commentary should not be seen as a direct endorsement but "
                            "rather to help you have a look and make up your own minds.</p>"
                        ),
                    },
                    {
                        "title": (
                            "Ofsted, HMICFRS, CQC and HMI Probation: JTAIs and the New MASA "
                            "Arrangements"
                        ),
                        "body": (
                            "<p>Ofsted, Her Majesty’s Inspectorate of Constabulary, Fire and "
                            "Rescue Services, the Care Quality Commission (CQC) and HMI "
                            "Probation jointly inspect and report on the impact of local "
                            "multi-agency safeguarding arrangements on children through the "
                            "joint targeted area inspection (JTAI) programme. There are up to"
                            " ten JTAIs per year. These joint inspections look closely at the"
                            " experiences of children and provide a rigorous assessment of "
                            "the quality and impact of work in a local area. The "
                            "inspectorates identify strengths and weaknesses in the practice "
                            "of individual agencies: the local authority, health agencies, "
                            "the police, the youth offending team, the National Probation "
                            "Service and the Community Rehabilitation Companies, as well as "
                            "the collective response to children.</p><p>We do not intend to "
                            "amend our methodology now that the new multi-agency safeguarding"
                            " arrangements (MASA) are in place. The inspectorates focus on "
                            "how well leaders work together to tackle the issue identified in"
                            " that specific deep dive e.g. Exploitation, domestic abuse, "
                            "mental health will continue to look at how strategic "
                            "arrangements help or hinder practice. We do not endorse a "
                            "particular model but where there is a strength or a weakness "
                            "that impacts on practice with children we will report on it. We "
                            "intend to aggregate any findings about MASA. We hope that the "
                            "findings from the JTAI inspections and the overview reports will"
                            " provide helpful pointers to MASAs whatever their structure. The"
                            " structure of MASA arrangements may influence our choice of "
                            "local areas if it is pertinent to the ‘deep dive’ theme.</p>"
                        ),
                    },
                    {
                        "title": (
                            "DfE and Department for Health and Social Care: First “State of "
                            "the Nation” Report"
                        ),
                        "body": (
                            "<p>First “State of the Nation” Report marks World Mental Health "
                            "Day and is the first of its kind from the government and "
                            "provides helpful insight into how we can better understand "
                            "“wellbeing” and also information Friendship, school and a good "
                            "night’s sleep have all been named as key factors in a young "
                            "person’s happiness.</p>"
                        ),
                    },
                    {
                        "title": "National Children's Bureau: Early Adopters Final Report",
                        "body": (
                            "<p>The NCB have published their final report from the Early "
                            "Adopters programme. It combines the results of their survey, "
                            "interviews, and other knowledge shared over the course of the "
                            "programme.</p><p>Some of the highlights are "
                            "that:</p><ul><li>Changes to the statutory framework present a "
                            "range of opportunities for innovation and improvement in local "
                            "safeguarding arrangements</li><li>In the short-term it may be "
                            "necessary to focus on a limited range of improvements in "
                            "implementation, but this should be part of a gradual longer term"
                            " transformation plan towards improving outcomes for children and"
                            " young people</li><li>Attention should be paid to ensuring "
                            "leaders in local authorities, police and health come together in"
                            " equal partnership and also how partners engage other relevant "
                            "agencies, including school leaders</li><li>An agreed vision "
                            "should be ambitious in terms of outcomes for "
                            "children</li><li>Collaboration across areas where there are "
                            "shared priorities can allow for streamlined processes, the "
                            "sharing of intelligence and may reduce duplication for the "
                            "benefit of practitioners, children and young people, and their "
                            "families</li><li>Methods of scrutinising practice should be "
                            "integrated throughout safeguarding arrangements</li><li>A "
                            "learning culture should be embedded into safeguarding "
                            "arrangements and plans should adapt over time to emerging "
                            "lessons.</li></ul><p>You can download the report here</p>"
                        ),
                    },
                    {
                        "title": "Children's Commissioner for England: Childhood Vulnerability in Numbers",
                        "body": (
                            "<p>The ‘Childhood Vulnerability in Numbers: Need, Spend, and the"
                            " Millions of Children in England Who Miss Out’ report is an info"
                            " graphic and includes detailed information on the spending "
                            "allocated to vulnerable children, and includes:</p><ul><li>In a "
                            "typical class of 30, six children are growing up at risk due to "
                            "family circumstances</li><li>829,000 out of 2.3 million children"
                            " are at risk due to family circumstances that are invisible to "
                            "children's services</li><li>Spending per head on pre-statutory "
                            "support is £900</li></ul><p>You may have seen this information "
                            "before, but it is worth a look just for the info graphics which "
                            "will most likely help partnerships to set the context when "
                            "considering vulnerability and the related issues around Children"
                            " in Need, and the extent to which early help approaches embrace "
                            "poverty, disadvantage, wellbeing and the cross over’s with "
                            "public health agendas.</p>"
                        ),
                    },
                    {
                        "title": "Children's Commissioner for England: Gaming the System",
                        "body": (
                            "<p>93 percent of children in the UK play video games, yet "
                            "despite its popularity, the culture of ‘gaming’- its rules and "
                            "its rituals, the varying profiles of players, the risks they "
                            "face – tends to be spoken of by adults, whether they be "
                            "policymakers or parents, as if it were an alien "
                            "landscape.</p><p>The widespread popularity of gaming and the "
                            "evolution of gaming from offline to online have raised concerns,"
                            " such as children being able to talk to strangers or becoming "
                            "the target of bullying. Over-exposure to video game content may "
                            "have a damaging effect on the development and socialisation of "
                            "young people.</p><p>A growing concern is the potential for "
                            "children to be negatively affected by violent imagery and other "
                            "inappropriate content. We spoke to children aged 10 to 16 to "
                            "better understand what they love and what they dislike about "
                            "gaming and how gaming could be improved for them.</p><p>We know "
                            "that it can be difficult to keep and catch up with how children "
                            "and young people experience the “virtual” parts of their lives. "
                            "This report helps us to better understand how it works from a "
                            "young persons’ perspective. Interestingly, it raises an "
                            "important question as to why many games that involve payment, "
                            "are not classed as gambling, and if they were, then this might "
                            "change our approach?</p>"
                        ),
                    },
                    {
                        "title": "NSPCC: Parent and Carer’s Views on Preventing Sexual Abuse",
                        "body": (
                            "<p>Published in September, this short research report will help "
                            "with Partnership approaches to, and understanding of, what can "
                            "be important in protecting disabled children from sexual abuse. "
                            "Further research updates which you might find useful here, at "
                            "the NSPCC Learning Library.</p>"
                        ),
                    },
                    {
                        "title": "NSPCC: CASPAR",
                        "body": (
                            "<p>Research is important but can be a bit daunting – however we "
                            "do find it useful to check out their website here.</p>"
                        ),
                    },
                    {
                        "title": "Articles about the New Arrangements: LGA",
                        "body": (
                            "<p>The LGA recently reported on the improvements being made "
                            'through the "shake-up" of partnership arrangements. Download the'
                            " article from our News page here.</p>"
                        ),
                    },
                    {
                        "title": (
                            "Children & Young People Now – Oct 2019: Streamlined System Marks"
                            " New Era for Safeguarding Children"
                        ),
                        "body": (
                            "<p>A new system of local and national reviews for safeguarding "
                            "children practice was rolled out at the end of September, "
                            "two-and-a-half years after a review called for “significant "
                            "reform”. Sir Alan Wood’s review of the role and functions of "
                            "local safeguarding children boards (LSCB) highlighted "
                            "inconsistencies in the ways lessons were learned from serious "
                            "case reviews (SCR) and raised concerns about how responsibility "
                            "– and cost – for safeguarding work was co-ordinated between key "
                            "agencies. Click here to reach our NEWS page and access the full "
                            "article. We are very grateful to CYPN for allowing us to share "
                            "this article. For further information on CYPN, click here.</p>"
                        ),
                    },
                    {
                        "title": "Child Death Reviews",
                        "body": (
                            "<p>The National Child Safeguarding Practice Panel has announced "
                            "a review into sudden unexpected infant death in families where "
                            "the children are considered at risk of harm. Click here to see "
                            "the letter sent by Edward Timpson.</p>"
                        ),
                    },
                    {
                        "title": "Anti-Bullying Week",
                        "body": (
                            "<p>Anti-Bullying Alliance. Anti-Bullying Week - 11th to 15th "
                            "November 2019. Click here to see a really interesting video.</p>"
                        ),
                    },
                    {
                        "title": "Childhood Trauma",
                        "body": (
                            "<p>As well as focusing on the forms abuse, neglect and "
                            "exploitation takes and how this impacts on joint working "
                            "responses in the present, many partnerships are also "
                            "increasingly bringing into focus efforts and initiatives that "
                            "potentially offer the opportunity to achieve wider shifts in how"
                            " we reduce and prevent incidence. We are grateful to Norfolk SAB"
                            " for sharing this article. Three Ways Childhood Trauma Affects "
                            "Adulthood.</p><p>If you would like to share your approach to "
                            "this and examples then please contact the TASP office.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Your Contributions",
                "items": [
                    {
                        "title": "Share Your Story",
                        "body": (
                            "<p>We would really welcome contributions, especially if you have"
                            " a story you would like to share that others would benefit from."
                            " Contact the TASP office and we can discuss how to include "
                            "this.</p><p>Please contact the TASP office if you would like any"
                            " help at all, or if you have queries or comments.</p>"
                        ),
                    },
                ],
            },
        ],
    },
    {
        "title": "All change?",
        "issued_on": date(2019, 9, 27),
        "welcome": (
            "<p>The 29th of September marks another significant step in the long history of "
            "the collective response to the challenges of coordinating joint working to "
            "safeguard children and young people. As yet our picture and understanding of "
            "what the new arrangements will look like is partial but is likely to emerge in "
            "due course.</p><p>It seems fitting that we should note and pay tribute to all "
            "those who have worked hard and been so committed to the former LSCB "
            "arrangements. For now, it seems that many are wanting to build on the many "
            "positive attributes of this legacy.</p><p>We should be in no doubt that the "
            "changes are significant and present opportunities to re-set and re-approach some"
            " of the essential characteristics and functions embodied in effective "
            "safeguarding partnerships, old and new.</p><p>Perspectives and levels of "
            "ownership will no doubt remain diverse, which emphasises the importance of a "
            "continued endeavour to find common ground, build the picture and respect the "
            "different ways partnerships will go about seeking to bring unity and a shared "
            "purpose to safeguarding activity, that is effective by any measure.</p><p>From "
            "what our members are telling us, some of the common themes and different "
            "approaches are starting to become clearer. It is to be welcomed that government,"
            " in so far as it is able to maintain its focus on safeguarding at present, has "
            "recognised that transitions will be gradual and that these will benefit from "
            "ongoing support. Likewise at a national level Statutory Partners are investing "
            "in bringing some focus to change, and it is hoped that this will continue after "
            "March of next year.</p><p>Support for TASP is promising, and membership will "
            "shape and support how priorities are set, within the remit of bringing a "
            "positive approach that values learning, recognises the importance of being able "
            "to share experience and help all to have a clear view of the principles that "
            "have served to ensure that our approach to safeguarding is of the highest "
            "standard.</p><p>Some of the emerging issues and themes such as the new "
            "leadership arrangements, the retention of partnerships outside of a formal "
            "“Board” model, different degrees of ambition in respect of whole or part system "
            "focus, new applications of “independence” and its relationship with scrutiny and"
            " other governance and operational aspects are probably not the only ones that "
            "will emerge.</p><p>To take this forward we have introduced a new “spotlight” "
            "section, this will provide the opportunity for stakeholders and members to "
            "suggest and share key issues and experience, which they feel will add to the "
            "shared task of setting the new landscape. This month we focus on the new DWP "
            "Reducing Conflict Programme, as some members felt raised a number of "
            "opportunities around strategic join up and the wider debate around prevention "
            "and safeguarding.</p><p>We also take a first look at “Independent scrutiny” and "
            "thanks to Jenny Pearce for sharing her thoughts and work on this.</p><p>It is "
            "important for us to say that in sharing information and perspectives, we include"
            " these on the basis of the contribution they may make to your own arrangements "
            "and forming a wider perspective, and therefore do not necessarily intend these "
            "to be reflective of our position. When this is the case we will try to be clear "
            "about this.</p><p>It is probably fair to observe that there are mixed views "
            "about how things will develop so some words from Abraham Lincoln may be helpful "
            "in embodying the efforts of all to form and forge ways in which partnerships can"
            " make a difference and build on the strengths of the past. “The best way to "
            "predict the future is to create it”</p><p>We hope that you will find this "
            "newsletter helpful, and in addition to commissioning future items we welcome any"
            " suggestions and or contributions.</p>"
        ),
        "signoff_name": "Richard Burrows",
        "signoff_role": "AILC Chair",
        "sections": [
            {
                "heading": "TASP Update",
                "items": [
                    {
                        "title": "New Members",
                        "body": (
                            "<p>A warm welcome to the last five members who have joined us; "
                            "Calderdale, Durham, Luton, Surrey and Suffolk.</p>"
                        ),
                    },
                    {
                        "title": "Members Survey",
                        "body": (
                            "<p>We will be circulating a brief online survey to our members "
                            "to kick off consultation of the development of the future TASP "
                            "offer and, what members feel should be priorities.</p>"
                        ),
                    },
                    {
                        "title": "Website",
                        "body": (
                            "<p>Open access will remain for all interested parties as we "
                            "continue the process of migrating content to the archives and "
                            "developing TASP focused content. It looks like we will either "
                            "overhaul the present site, then launch a new hosting address, or"
                            " commission a new site. We want to time this with the feedback "
                            "from members, so your continued patience is appreciated.</p>"
                        ),
                        "link_url": "https://www.lscbchairs.org.uk/",
                        "link_text": "Association of Independent LSCB Chairs website",
                    },
                    {
                        "title": "Registration of TASP",
                        "body": (
                            "<p>We recently heard from the Charity Commission who are "
                            "currently experiencing a significant backlog in dealing with new"
                            " registrations, so as soon as we have news we will let you "
                            "know.</p>"
                        ),
                    },
                    {
                        "title": "Advisory Group",
                        "body": (
                            "<p>We held a very productive first Advisory Group Meeting and "
                            "many thanks again, to all who volunteered to join, and to those "
                            "who were also able to attend. We will be holding another meeting"
                            " shortly and the thinking is, pending the establishment of the "
                            "Board of Trustees and the appointment of the staff team, that it"
                            " will be good to draw on the experience of those who are in the "
                            "thick of it; this will help inform decisions and direction. So "
                            "please, if you have any free time, do let us know if you could "
                            "join this group. Contact the TASP office to do so.</p>"
                        ),
                    },
                    {
                        "title": "Membership Fees",
                        "body": (
                            "<p>For the year 2019/2020 we have set this at the same rate as "
                            "the old AILC fee. However we do want to review this for 20/21 in"
                            " consultation with members. For example whether in addition to "
                            "the current model which is partnership focused and allocates 5 "
                            "individual access/benefit packages, there is room for other "
                            "types of membership. We are also aware that there are a number "
                            "of partnerships that operate across a number of LA/CCG areas. So"
                            " we are working on an interim solution to a fee for these types "
                            "of arrangements that offers them some benefit from economies of "
                            "scale, but also reflects the need to ensure a proportionate "
                            "balance with the majority of partnerships that focus on one area"
                            " and 3 statutory partners.</p><p>We welcome and encourage "
                            "statutory partners and Business Managers to express interest and"
                            " commitment by joining us now!</p><p>Please contact the TASP "
                            "office to join us, or if you have queries or comments.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Spotlight",
                "items": [
                    {
                        "title": "Department of Work and Pensions “Reducing Parental Conflict” Programme",
                        "body": (
                            "<p>We were able to talk with Patrick Myers who leads on this "
                            "programme and felt it would be helpful for members to hear from "
                            "him.</p><p>I am really pleased to be given the opportunity to "
                            "share with you the work that I am currently involved with at the"
                            " Department for Work and Pensions (DWP). I am an Assistant "
                            "Director from Dorset Council Children’s Services Department "
                            "seconded to work on the Government’s Reducing Parental Conflict "
                            "programme. I want to share with you the aims of the Government’s"
                            " work to reduce parental conflict, as well as the scale of the "
                            "issue. Having been involved in the early pilot work with DWP and"
                            " now the roll out of the national programme, I know that the "
                            "programme has been built around strong evidence and as such "
                            "should have a clear impact on family dynamics and improve "
                            "children’s lives and outcomes.</p><p>Inter-parental conflict "
                            "that is frequent, intense and poorly resolved is not good for "
                            "children and can result in negative outcomes that can be felt "
                            "across the life course. It can affect their early emotional and "
                            "social development, their educational attainment and later "
                            "employability - limiting their chances to lead fulfilling, happy"
                            " lives. Our goal is to reduce conflict between parents, and we "
                            "know that this is important whether a child’s parents are "
                            "together or separated. We know that sometimes separation can be "
                            "the best option for a couple, but even then, continued "
                            "co-operation and communication between parents is better for "
                            "their children.</p><p>Backed by up to £39m in funding, the "
                            "Reducing Parental Conflict programme is encouraging councils and"
                            " their partners across England to integrate evidence-based "
                            "services and approaches to addressing parental conflict that "
                            "work for their local families.</p><p>The Government has already "
                            "announced plans to transform the way we think about and tackle "
                            "domestic violence and abuse, while the focus of the Reducing "
                            "Parental Conflict (RPC) Programme is on conflict considered to "
                            "be below that threshold. Parental conflict can range from a lack"
                            " of warmth and emotional distance, right through to swearing and"
                            " shouting.</p><p>We know that this is a significant issue. Where"
                            " a child lives with both parents in the same household, more "
                            "than one in ten children have at least one parent who reports "
                            "relationship distress. And children living in workless families "
                            "are three times more likely to experience parental conflict than"
                            " in families where both parents are in work.</p><p>The poor "
                            "outcomes for children exposed to parental conflict can lead to "
                            "increased pressure on public services, and yet we know that "
                            "support to reduce parental conflict is not yet fully reflected "
                            "in many of the local services offered to families. The RPC "
                            "programme is looking to address and advise local "
                            "provision.</p><p>Early pilot work with 12 local authorities has "
                            "informed the various strands of the programme. There are four "
                            "primary strands:</p><ul><li>Funding to support strategic "
                            "leadership across local authorities’ footprints to make "
                            "effective plans with partners to address the issues related to "
                            "inter parental conflict</li><li>Practitioner training across all"
                            " 151 local authorities to equip frontline staff with skills and "
                            "knowledge to help families where conflict is "
                            "evident</li><li>Four areas (30 local authorities) piloting a "
                            "range of interventions to reduce inter parental conflict with "
                            "the express intention of improving children’s "
                            "outcomes</li><li>Specialist training in those pilot "
                            "interventions should they prove to be effective.</li></ul><p>In "
                            "addition, the DWP is collaborating with Public Health England "
                            "and the Department for Health and Social Care on the Innovation "
                            "Fund for Children of Alcohol Dependent Parents, which has "
                            "provided nine areas with support to work in this challenging "
                            "area. And our £2.2m RPC Challenge Fund is funding 10 innovative "
                            "projects, to support families who face particular disadvantages,"
                            " as well as digital support to reduce parental conflict. For "
                            "further information, please contact the TASP office.</p><p>It "
                            "was interesting to learn more about the Department of Work &amp;"
                            " Pensions “Reducing Parental Conflict” programme which we "
                            "feature in this newsletter. This, and other similar developments"
                            " and approaches can have so much more value if they are embraced"
                            " by partnerships who can promote the linkages between good and "
                            "effective ideas and, the potential to apply learning so that it "
                            "results in elements of system re design, changes in practice and"
                            " building a more “curious workforce and joint working” as well "
                            "as impacting on the many and varied service or organisational "
                            "specific funding rewarded targets?</p><p>We think it will "
                            "continue be important for each partnership to set the parameters"
                            " of their aspirations, but there is growing evidence that many "
                            "are recognising the opportunity to establish a shared view of "
                            "the interconnectedness of the lives and worlds that children and"
                            " their families experience which places a greater emphasis on "
                            "“heading off at the pass” the things that can negatively impact "
                            "on how children grow up and flourish.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Other Safeguarding News",
                "items": [
                    {
                        "title": "Departments of Education, Health and Social Care and the Home Office",
                        "body": (
                            "<p>The three Departments continue to work together to support "
                            "the changes in safeguarding partnership arrangements, and are "
                            "looking at the future role of Reform Board and Evaluations "
                            "group. The former has involved external stakeholders and AILC "
                            "has been able to contribute to discussions, as it has with the "
                            "proposals to commission external evaluation.</p><p>The DfE "
                            "Implementation Board for Child Safeguarding Reform have now gone"
                            " live with the sector expert tender. This is for up to 60 days "
                            "of work between 31 October 2019 and 31 March 2020. Click here to"
                            " access the link. (Editors note – we know the closing date has "
                            "passed, but thought the information would be helpful and once an"
                            " appointment is made we will feature this).</p><p>We are hopeful"
                            " as TASP becomes established that there will continue to be a "
                            "place at the table for the association, as we can uniquely draw "
                            "on and channel learning and development from across member "
                            "partnerships.</p><p>We understand that DfE officials are working"
                            " their way through the plans, in order to inform their strategic"
                            " assessment and to offer feedback to partnerships. This "
                            "highlights the importance of being able to start to get a sense "
                            "of directions of travel and details, and TASP is currently "
                            "consulting its members as to how we might add to this picture. "
                            "It would be good to hear from any partnership that has taken "
                            "part in the DfE compliance exercise.</p><p>Sensibly there seems "
                            "to be a recognition that changes will take time to implement, "
                            "especially as so many of the plans recognise the importance of "
                            "continuity and the potential significance of the changes. As the"
                            " statutory partners work towards a clearer understanding of the "
                            "commonalities and differences.</p>"
                        ),
                    },
                    {
                        "title": (
                            "The National Child Safeguarding Practice Review Panel – "
                            "Children’s Serious Incidents Notification System"
                        ),
                        "body": (
                            "<p>As you probably know, the online referral system for reviews "
                            "went live in February and all areas must register to use it by "
                            "30 September 2019 - is your partnership signed up? Click here to"
                            " access.</p><p>This will allow the notification to the Child "
                            "Safeguarding Practice Review Panel if it’s known or suspected "
                            "that a child has been abused or neglected.</p><p>This service "
                            "should be used if:</p><ul><li>a looked-after child dies "
                            "including where abuse or neglect is not known or "
                            "suspected</li><li>a child dies or is seriously harmed in the "
                            "local authority’s area</li><li>a child dies or is seriously "
                            "harmed outside England while normally resident in the local "
                            "authority’s area</li></ul><p>We are told that some authorities "
                            "have not reported any cases meeting the serious incident "
                            "threshold since 29 June 2018. Further analysis is taking place "
                            "in the Department for Education to see whether any further "
                            "action is necessary. The National Panel will report the findings"
                            " from the first National Review in the Autumn.</p><p>We are in "
                            "the process of arranging one of our regular meetings with Edward"
                            " Timpson (Chair) and a panel member, so if there are issues that"
                            " you feel we could raise please let us know.</p>"
                        ),
                    },
                    {
                        "title": (
                            "National Police Chiefs Council (NPCC): Multi-Agency Safeguarding"
                            " Hub Conference 2019"
                        ),
                        "body": (
                            "<p>This will be the first NPCC Multi-Agency Safeguarding Hub "
                            "(MASH) Conference to be held and it will provide much needed "
                            "networking with experts from around the country and is not "
                            "solely aimed at Police: if you feel that any of your local "
                            "partners would like to attend please feel free to share this. "
                            "This will be held on 1st – 2nd October 2019 and the location is "
                            "the Crowne Plaza Hotel, Chester. Click here to access further "
                            "information.</p><p>We are grateful for the support being shown "
                            "by the NPCC in setting up TASP, along with that provided by the "
                            "Department of Health and Social Care, through Loraine Parker "
                            "(NPCC) and Liz Balfe (DHSC) who have dedicated roles until March"
                            " 2020. We are sharing NPCC's newsletter which is also sharing "
                            "resources. You can find it here.</p>"
                        ),
                    },
                    {
                        "title": "NHS Improvement",
                        "body": (
                            "<p>NHS Improvement recently launched their new Patient Safety "
                            "Strategy. Hopefully it will continue to build bridges re the "
                            "necessary focus on clinical risk and a focus on safeguarding, "
                            "and may be food for thought for safeguarding partnerships. Click"
                            " here to access.</p>"
                        ),
                    },
                    {
                        "title": "Safeguarding Research",
                        "body": (
                            "<p>The Independent Inquiry into CSA has commissioned the "
                            "National Centre for Social Research and ResearchAbility (both "
                            "independent research organisations) to carry out research into "
                            "safeguarding practice in residential schools. The study explores"
                            " awareness, understanding and experiences of safeguarding "
                            "practice in relation to child sexual abuse among school staff, "
                            "students and parents, as well as in local authorities, with the "
                            "aim of sharing best practice as well as identifying areas for "
                            "improvement. Researchers would like to speak to local authority "
                            "staff as part of this research, and will contact the Director of"
                            " Children’s Services in some local authorities in the coming "
                            "weeks to invite individuals in their teams to participate. If "
                            "you would like to find out more, please contact the TASP "
                            "office.</p>"
                        ),
                    },
                    {
                        "title": "Recent Tweet from Matthew Gibson",
                        "body": (
                            "<p>We can forget, in our efforts to rightly focus on positive "
                            "outcomes for children and young people, seeing things through "
                            "the eyes of practitioners - our approach to scrutiny and "
                            "learning may not always look at things from this "
                            "perspective?</p>"
                        ),
                    },
                    {
                        "title": "Centre of Expertise on Child Sexual Abuse",
                        "body": (
                            "<p>Centre of Expertise on CSA have published the next paper in "
                            "their Key messages from Research series, focusing on "
                            "looked-after children and child sexual abuse.</p><p>They have "
                            "also recently published Key Messages from Research on "
                            "identifying and responding to disclosures of child sexual "
                            "abuse.</p>"
                        ),
                    },
                    {
                        "title": "Safeguarding in Faith Communities - NSPCC",
                        "body": (
                            "<p>The NSPCC has released the latest episode of its child "
                            "protection podcast series. This week’s episode focuses on what "
                            "safeguarding means to faith communities and groups.</p><p>The "
                            "podcast discusses the important role faith communities play in "
                            "children and young people’s lives, and covers topics including: "
                            "why faith groups need to understand their safeguarding "
                            "responsibilities; the challenges that safeguarding children and "
                            "young people in faith communities brings; and how faith "
                            "communities can develop a safeguarding culture that works "
                            "alongside other cultural beliefs, values and customs. Click here"
                            " to access.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Spotlight",
                "items": [
                    {
                        "title": "Independent Scrutiny",
                        "body": (
                            "<p>A big thanks to Jenny Pearce for agreeing to share her recent"
                            " work and thoughts on Independent Scrutiny. We know that along "
                            "with other aspects of the new arrangements, there are different "
                            "interpretations and approaches to this.</p><p>We welcome further"
                            " contributions that can help add to our understanding of this "
                            "and we would want to support a “healthy debate” so please tell "
                            "us what you think and we will do our best to share this. Click "
                            "here to access Jenny's report.</p>"
                        ),
                    },
                    {
                        "title": "New Report from Children’s Commissioner",
                        "body": (
                            "<p>A report has been published showing new research on the "
                            "thousands of children growing up in homeless families. The "
                            "report, Bleak Houses: Tackling the Crisis of Family Homelessness"
                            " in England. Bleak Houses, reveals the terrible reality of how "
                            "some children are living in converted shipping containers, "
                            "office blocks and B&amp;Bs, in cramped conditions, often miles "
                            "away from their schools.</p><p>The report shows that while "
                            "official statistics show 120,000 children in England are living "
                            "in temporary accommodation, this does not include the hidden "
                            "homeless who are ‘sofa-surfing’, often in very cramped "
                            "conditions. New analysis conducted for the Children’s "
                            "Commissioner for England estimates that in 2016-2017 there were "
                            "90,000 children living in sofa-surfing families.</p>"
                        ),
                    },
                    {
                        "title": "A Manifesto for Children – Children’s Commissioner",
                        "body": (
                            "<p>The manifesto, published ahead of any upcoming General "
                            "Election, calls on Britain’s political parties to include a "
                            "six-point plan in their election manifestos to transform the "
                            "life chances for disadvantaged children and to help all of "
                            "England’s 12 million children to thrive.</p><p>The manifesto "
                            "sets out some of the key issues that children have told the "
                            "Children’s Commissioner’s Office are affecting their lives, and "
                            "reflects many of the subjects the Children’s Commissioner has "
                            "been shining a light on in recent years – children growing up in"
                            " chaotic families, inadequate children’s mental health services,"
                            " children’s safety and children living in poor quality housing "
                            "such as B&amp;Bs, converted office blocks or shipping "
                            "containers.</p>"
                        ),
                    },
                ],
            },
            {
                "heading": "Your Contributions",
                "items": [
                    {
                        "title": "Share Your Story",
                        "body": (
                            "<p>For our next newsletter, we would welcome contributions, "
                            "especially if you have a story you would like to share that "
                            "others would benefit from. Contact the TASP office and we can "
                            "discuss how to include this.</p><p>Please contact the TASP "
                            "office if you would like any help at all, or if you have queries"
                            " or comments.</p>"
                        ),
                    },
                ],
            },
        ],
    },
]
