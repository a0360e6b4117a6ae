using FluentValidation;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.UseCases;

namespace PyPyLeads.AccessTokens;

/// <summary>
/// Make a personal access token for oneself: named, read-only or read-write, expiring after a number of days. The
/// secret is in the answer and nowhere else (only its hash is stored), so the page shows it once. Anyone signed in may,
/// for themselves only: the token acts as its user, never more.
/// Returns <see cref="Done{T}"/> of <see cref="Created"/> or <see cref="Invalid"/>.
/// </summary>
public sealed class CreateAccessToken(LeadsDbContext db, IValidator<CreateAccessToken.Input> validator, TimeProvider clock, SubmissionStore submissions,
    ILogger<CreateAccessToken> logger)
{
    public const int MaxDays = 366;

    /// <param name="ExpiresInDays">1 to <see cref="MaxDays"/>.</param>
    public sealed record Input(string? Name, AccessTokenScope? Scope, int? ExpiresInDays)
    {
        /// <summary>The form's one-time key: sent again, it makes nothing more and shows the same secret again.</summary>
        public string? SubmissionKey { get; init; }
    }

    /// <param name="Secret">The token itself, shown once.</param>
    public sealed record Created(int TokenId, string Name, string Secret, DateTime ExpiresAtUtc, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().WithMessage("Name the token after what will use it (\"Eurostars spreadsheet\").")
                .SingleLine(AccessTokenSecrets.MaxNameLength);
            RuleFor(x => x.Scope).NotNull().WithMessage("Choose read-only or read-write.")
                .IsInEnum().WithMessage("Choose read-only or read-write.");
            RuleFor(x => x.ExpiresInDays).NotNull().WithMessage("Choose when it expires.")
                .InclusiveBetween(1, MaxDays).WithMessage($"A token lasts from 1 to {MaxDays} days.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(CreateAccessToken), input.SubmissionKey);
        return submissions.OnceAsync<Created>(once, () => CreateAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> CreateAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        return await submissions.InTransactionAsync<Created>(once, async ct =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var secret = AccessTokenSecrets.NewSecret();
            var token = new AccessToken
            {
                UserId = caller.UserId, Name = input.Name!.Trim(), Scope = input.Scope!.Value, SecretHash = AccessTokenSecrets.Hash(secret),
                Prefix = AccessTokenSecrets.PrefixOf(secret), CreatedAtUtc = now, ExpiresAtUtc = now.AddDays(input.ExpiresInDays!.Value),
            };
            db.AccessTokens.Add(token);
            await db.SaveChangesAsync(ct);
            logger.LogInformation("{User} made the {Scope} access token {TokenId} ({Name}), expiring {ExpiresAtUtc:o}",
                caller.Name, token.Scope, token.Id, token.Name, token.ExpiresAtUtc);
            return new Done<Created>(new(token.Id, token.Name, secret, token.ExpiresAtUtc,
                $"Token “{token.Name}” made. Copy it now: it is not shown again."));
        }, cancellationToken);
    }
}
