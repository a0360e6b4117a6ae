using PyPyLeads.Companies;

namespace PyPyLeads.Webhooks;

/// <summary>The "data" of the events raised from more than one use case, so a receiver sees one shape for each.</summary>
public static class WebhookPayloads
{
    public static object CompanyCreated(Company company, string? by) =>
        new { companyId = company.Id, name = company.Name, webDomain = company.WebDomain, city = company.City, source = company.Source.ToString(), by };
}
