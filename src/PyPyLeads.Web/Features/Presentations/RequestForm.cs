using FluentValidation;
using PyPyLeads.Schedule;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>A presentation request, from the public invitation page or typed in by the team. The public page needs no account, so every field is limited and checked.</summary>
public sealed class RequestForm
{
    public string? CompanyName { get; set; }
    public string? WebDomain { get; set; }
    public string? ContactName { get; set; }
    public string? ContactEmail { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? PreferredDates { get; set; }
    public int? AudienceSize { get; set; }
    public List<Topics> Topics { get; set; } = [];
    public string? OtherTopics { get; set; }
    public string? ConvinceManagement { get; set; }
    /// <summary>The honeypot: hidden from people, filled in by bots.</summary>
    public string? Website { get; set; }
    /// <summary>When editing: the version the form was loaded at.</summary>
    public long Version { get; set; }
}

public sealed class RequestFormValidator : AbstractValidator<RequestForm>
{
    public RequestFormValidator()
    {
        RuleFor(x => x.CompanyName).NotEmpty().WithMessage("Enter your company's name.").MaximumLength(200).WithMessage("Use at most 200 characters.")
            .Must(NoControlCharacters).WithMessage("Remove the control characters.");
        RuleFor(x => x.WebDomain).MaximumLength(253).WithMessage("Use at most 253 characters.")
            .Matches(@"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/.*)?$").When(x => !string.IsNullOrWhiteSpace(x.WebDomain))
            .WithMessage("Enter a web address such as example.com.");
        RuleFor(x => x.ContactName).NotEmpty().WithMessage("Enter your name.").MaximumLength(200).WithMessage("Use at most 200 characters.")
            .Must(NoControlCharacters).WithMessage("Remove the control characters.");
        RuleFor(x => x.ContactEmail).NotEmpty().WithMessage("Enter your e-mail address so we can answer.").MaximumLength(254).WithMessage("Use at most 254 characters.")
            .EmailAddress().WithMessage("This is not an e-mail address.");
        RuleFor(x => x.Address).MaximumLength(300).WithMessage("Use at most 300 characters.");
        RuleFor(x => x.City).NotEmpty().WithMessage("Enter the city where we would present.").MaximumLength(100).WithMessage("Use at most 100 characters.");
        RuleFor(x => x.PreferredDates).MaximumLength(500).WithMessage("Use at most 500 characters.");
        RuleFor(x => x.AudienceSize).InclusiveBetween(1, 100_000).When(x => x.AudienceSize is not null).WithMessage("Enter a number of people from 1 to 100,000.");
        RuleFor(x => x.Topics).Must(t => t.All(Enum.IsDefined)).WithMessage("Choose topics from the list.");
        RuleFor(x => x.OtherTopics).MaximumLength(2000).WithMessage("Use at most 2,000 characters.");
        RuleFor(x => x.ConvinceManagement).MaximumLength(4000).WithMessage("Use at most 4,000 characters.");
    }

    private static bool NoControlCharacters(string? text) => text is null || !text.Any(char.IsControl);
}
