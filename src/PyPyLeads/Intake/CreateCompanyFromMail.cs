using PyPyLeads.Companies;
using PyPyLeads.UseCases;

namespace PyPyLeads.Intake;

/// <summary>
/// Create the company (and its person, when a name is given) a triage message is from, then file the message there:
/// <see cref="CreateCompany"/>, <see cref="AddPerson"/> and <see cref="AttachMail"/> with their own rules (the duplicate
/// rules offer the existing company instead). One form key guards all three, so a repeated post creates nothing more.
/// Returns <see cref="Done{T}"/> of <see cref="AttachMail.Attached"/>, or what the step that refused returned
/// (<see cref="Invalid"/> with the person's fields named Person*, <see cref="DuplicatesFound{T}"/>, <see cref="Conflict{T}"/>...).
/// </summary>
public sealed class CreateCompanyFromMail(CreateCompany createCompany, AddPerson addPerson, AttachMail attachMail)
{
    public sealed record Input(long MessageId, long Version, string? Name, string? WebDomain, string? City, string? Country,
        string? PersonName, string? PersonRole, string? PersonEmail)
    {
        public string? SubmissionKey { get; init; }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var created = await createCompany.RunAsync(new CreateCompany.Input(input.Name, input.WebDomain, input.City, input.Country, null,
            "Created from an e-mail in the triage inbox.", LeadSource.Email, null) { SubmissionKey = input.SubmissionKey }, caller, cancellationToken);
        if (created is not Done<CreateCompany.Created> done)
        {
            return created;
        }
        var companyId = done.Value.CompanyId;
        if (!string.IsNullOrWhiteSpace(input.PersonName))
        {
            var added = await addPerson.RunAsync(new AddPerson.Input(companyId, input.PersonName, input.PersonRole, input.PersonEmail, null)
                { SubmissionKey = input.SubmissionKey }, caller, cancellationToken);
            if (added is Invalid invalid)
            {
                // The company stands (a new form would only find it again): the person's problem, beside the person's fields.
                return new Invalid(invalid.Errors.Select(e => e with { Field = "Person" + e.Field }).ToList());
            }
            if (added is not Done<AddPerson.Added>)
            {
                return added;
            }
        }
        return await attachMail.RunAsync(new AttachMail.Input(input.MessageId, companyId, input.Version), caller, cancellationToken);
    }
}
