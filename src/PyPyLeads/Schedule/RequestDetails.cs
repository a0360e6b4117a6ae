using FluentValidation;

namespace PyPyLeads.Schedule;

/// <summary>What a presentation request asks for, as typed on the public invitation page or by the team.</summary>
public interface IRequestDetails
{
    string? ContactName { get; }
    string? ContactEmail { get; }
    string? Address { get; }
    string? City { get; }
    string? PreferredDates { get; }
    int? AudienceSize { get; }
    IReadOnlyList<Topics> Topics { get; }
    string? OtherTopics { get; }
    string? ConvinceManagement { get; }
}

public static class RequestDetails
{
    /// <summary>The public page needs no account, so every field is limited and checked; the team's forms get the same rules.</summary>
    public static void AddRequestDetailsRules<T>(this AbstractValidator<T> validator) where T : IRequestDetails
    {
        validator.RuleFor(x => x.ContactName).NotEmpty().WithMessage("Enter your name.").MaximumLength(200).WithMessage("Use at most 200 characters.")
            .Must(NoControlCharacters).WithMessage("Remove the control characters.");
        validator.RuleFor(x => x.ContactEmail).NotEmpty().WithMessage("Enter your e-mail address so we can answer.").MaximumLength(254).WithMessage("Use at most 254 characters.")
            .EmailAddress().WithMessage("This is not an e-mail address.");
        validator.RuleFor(x => x.Address).MaximumLength(300).WithMessage("Use at most 300 characters.");
        validator.RuleFor(x => x.City).NotEmpty().WithMessage("Enter the city where we would present.").MaximumLength(100).WithMessage("Use at most 100 characters.");
        validator.RuleFor(x => x.PreferredDates).MaximumLength(500).WithMessage("Use at most 500 characters.");
        validator.RuleFor(x => x.AudienceSize).InclusiveBetween(1, 100_000).When(x => x.AudienceSize is not null).WithMessage("Enter a number of people from 1 to 100,000.");
        validator.RuleFor(x => x.Topics).Must(t => t.All(Enum.IsDefined)).WithMessage("Choose topics from the list.");
        validator.RuleFor(x => x.OtherTopics).MaximumLength(2000).WithMessage("Use at most 2,000 characters.");
        validator.RuleFor(x => x.ConvinceManagement).MaximumLength(4000).WithMessage("Use at most 4,000 characters.");
    }

    public static bool NoControlCharacters(string? text) => text is null || !text.Any(char.IsControl);

    /// <summary>Copies the details onto the request (once they are valid); the names are stored trimmed, the rest as typed.</summary>
    public static void CopyTo(this IRequestDetails details, PresentationRequest request)
    {
        request.ContactName = details.ContactName!.Trim();
        request.ContactEmail = details.ContactEmail!.Trim();
        request.Address = details.Address;
        request.City = details.City;
        request.PreferredDates = details.PreferredDates;
        request.AudienceSize = details.AudienceSize;
        request.Topics = details.Topics.Aggregate(Topics.None, (all, t) => all | t);
        request.OtherTopics = details.OtherTopics;
        request.ConvinceManagement = details.ConvinceManagement;
    }
}
