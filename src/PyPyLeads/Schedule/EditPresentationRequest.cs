using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Edit a presentation request: correct what was asked for, in any status. The company stays the same (merging
/// companies is the companies page's job). Admins may, and members while its company is their consultancy's or unassigned (<see cref="StatusChange"/>). Nothing changed: nothing saved, no timeline entry.
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>, or
/// <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> when it changed since the form was loaded.
/// </summary>
public sealed class EditPresentationRequest(LeadsDbContext db, IValidator<EditPresentationRequest.Input> validator, StatusChange change)
{
    /// <param name="Version">The request's version when the form was loaded.</param>
    public sealed record Input(
        int Id, string? ContactName, string? ContactEmail, string? Address, string? City, string? PreferredDates, int? AudienceSize,
        IReadOnlyList<Topics> Topics, string? OtherTopics, string? ConvinceManagement, long Version) : IRequestDetails;

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() => this.AddRequestDetailsRules();
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        return await db.InTransactionAsync(async ct =>
        {
            var (request, refused) = await change.PresentationAsync(input.Id, caller, to: null, input.Version, ct);
            if (request is null)
            {
                return refused!;
            }
            var before = Details(request);
            input.CopyTo(request);
            if (Details(request).Equals(before))
            {
                return new Done<StatusChange.Changed>(new(request.Id));
            }
            return await change.SaveAsync(request, caller, "presentation.edited", "Presentation request details corrected", null, ct);
        }, cancellationToken);
    }

    /// <summary>The fields an edit may change, compared as one value.</summary>
    private static object Details(PresentationRequest r) =>
        (r.ContactName, r.ContactEmail, r.Address, r.City, r.PreferredDates, r.AudienceSize, r.Topics, r.OtherTopics, r.ConvinceManagement);
}
