"""schema.org ``JobPosting`` for job search engines, from what the advert's page shows."""

from __future__ import annotations

from .models import LONDON, Vacancy


def job_posting(vacancy: Vacancy, *, url: str) -> dict:
    """schema.org JobPosting for search engines (Google's required and recommended properties)."""
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": vacancy.description_html,
        "url": url,
        "identifier": {"@type": "PropertyValue", "name": "TASP", "value": vacancy.slug},
        "datePosted": (vacancy.published_at or vacancy.created_at)
        .astimezone(LONDON)
        .date()
        .isoformat(),
        "validThrough": vacancy.closes_at.isoformat(),
        "employmentType": vacancy.contract_type,
        "hiringOrganization": {
            "@type": "Organization",
            "name": vacancy.organisation_name,
            **({"sameAs": vacancy.organisation_website} if vacancy.organisation_website else {}),
        },
        # Applications are made on the employer's site or by email, not on this page.
        "directApply": False,
    }
    if vacancy.region == Vacancy.Region.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "United Kingdom"}
    else:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": vacancy.location,
                "addressRegion": vacancy.get_region_display(),
                "addressCountry": vacancy.country_code or "GB",
                **({"postalCode": vacancy.postcode.strip().upper()} if vacancy.postcode else {}),
            },
        }
    if vacancy.pay_amount is not None and vacancy.pay_period:
        amount = vacancy.pay_amount
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "value": {
                "@type": "QuantitativeValue",
                # JSON has one number type; pounds and pence survive the trip exactly.
                "value": int(amount) if amount == amount.to_integral() else float(amount),
                "unitText": vacancy.pay_period,
            },
        }
    return data
