using FluentValidation;

namespace PyPyLeads.UseCases;

/// <summary>
/// What a use case answers, for any caller to render: the pages map it to a view or a redirect, the API to a status
/// code. The shapes every feature shares are here; a use case documents which of them it returns.
/// </summary>
public abstract record Outcome;

/// <summary>The work is done (and committed); <see cref="Value"/> says what to show next.</summary>
public sealed record Done<T>(T Value) : Outcome;

/// <summary>Nothing was saved: each message belongs beside the input's field of that name.</summary>
public sealed record Invalid(IReadOnlyList<FieldError> Errors) : Outcome
{
    public Invalid(string field, string message) : this([new FieldError(field, message)])
    {
    }

    public static Invalid From(FluentValidation.Results.ValidationResult result) =>
        new(result.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToList());
}

public sealed record FieldError(string Field, string Message);

/// <summary>Nothing was saved: what the input would create is already there; <see cref="Matches"/> are the candidates.</summary>
public sealed record DuplicatesFound<TMatch>(IReadOnlyList<TMatch> Matches, string Field, string Message) : Outcome;

/// <summary>Nothing was saved: someone changed the record since the caller read it; <see cref="Current"/> is how it stands now.</summary>
public sealed record Conflict<TCurrent>(TCurrent Current, string Message) : Outcome;

/// <summary>The thing acted on does not exist (or is deleted, or the caller may not see it).</summary>
public sealed record NotFound(string Message = "It does not exist, or it was deleted.") : Outcome;

/// <summary>The caller may not do this; the message says who may.</summary>
public sealed record NotAllowed(string Message) : Outcome;

public static class Validation
{
    /// <summary>Runs a use case's validator: null when the input is valid, else the field errors to return.</summary>
    public static async Task<Invalid?> CheckAsync<T>(this IValidator<T> validator, T input, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(input, cancellationToken);
        return result.IsValid ? null : Invalid.From(result);
    }
}
