using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// First run: with nobody set up yet, creates the first admin (there is no default password anywhere). Only someone
/// holding the set-up code (<see cref="SetupCode"/>, written to the log and the data folder at start) may, and only
/// once: the code is used up by the set-up, and a second one is refused even when two set-ups race (the database
/// refuses the second). Without the right code nothing is created.
/// Returns <see cref="Done{T}"/> of <see cref="Admin"/>, <see cref="Invalid"/> (a wrong code beside
/// <see cref="Input.SetupCode"/>), or <see cref="NotAllowed"/> once set up.
/// </summary>
public sealed class SetUpFirstAdmin(LeadsDbContext db, UserManager<AppUser> users, IValidator<SetUpFirstAdmin.Input> validator, TimeProvider clock)
{
    public sealed record Input(string? DisplayName, string? Email, string? TimeZoneId, string? Password)
    {
        /// <summary>The code from the app's log or the data folder's <c>setup-code.txt</c>.</summary>
        public string? SetupCode { get; init; }
    }

    public sealed record Admin(string UserId, string Email);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.DisplayName).NotEmpty().WithMessage("Enter your name.").SingleLine(200);
            RuleFor(x => x.Email).NotEmpty().WithMessage("Enter your e-mail address.").MaximumLength(254)
                .EmailAddress().WithMessage("This is not an e-mail address.");
            RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
            RuleFor(x => x.Password).Password();
            RuleFor(x => x.SetupCode).NotEmpty().WithMessage(EnterTheCode).MaximumLength(100).WithMessage(WrongCode);
        }
    }

    public const string EnterTheCode = "Enter the set-up code: the app wrote it to its log when it started, and to setup-code.txt in its data folder.";

    public const string WrongCode = "This is not the set-up code. Copy it from the app's log or from setup-code.txt in its data folder.";

    public const string AlreadySetUp = "PyPyLeads is already set up. Sign in, or ask an admin for an invitation.";

    public Task<bool> IsSetUpAsync(CancellationToken cancellationToken) => db.Installations.AnyAsync(cancellationToken);

    public async Task<Outcome> RunAsync(Input input, CancellationToken cancellationToken)
    {
        if (await IsSetUpAsync(cancellationToken))
        {
            return new NotAllowed(AlreadySetUp);
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        try
        {
            return await db.InTransactionAsync<Outcome>(async ct =>
            {
                var code = await db.SetupCodes.SingleOrDefaultAsync(c => c.Id == SetupCode.SingletonId, ct);
                if (code is null && await db.Installations.AnyAsync(ct))
                {
                    // A racing set-up has just used it.
                    return new NotAllowed(AlreadySetUp);
                }
                if (code is null || !code.Accepts(input.SetupCode!))
                {
                    return new Invalid(nameof(Input.SetupCode), WrongCode);
                }
                var admin = new AppUser
                {
                    UserName = input.Email, Email = input.Email, EmailConfirmed = true, DisplayName = input.DisplayName!.Trim(),
                    TimeZoneId = input.TimeZoneId!, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
                };
                try
                {
                    // The fixed-key row goes in first: a racing second set-up fails here, in the database.
                    db.Installations.Add(new Installation { SetUpAtUtc = admin.CreatedAtUtc, SetUpByUserId = admin.Id });
                    // Used up with the set-up, in the same transaction.
                    db.SetupCodes.Remove(code);
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    return new NotAllowed(AlreadySetUp);
                }
                IdentityRefusal.ThrowIfFailed(await users.CreateAsync(admin, input.Password!), e =>
                    new FieldError(e.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(Input.Password) : nameof(Input.Email), e.Description));
                IdentityRefusal.ThrowIfFailed(await users.AddToRoleAsync(admin, Roles.Admin));
                return new Done<Admin>(new(admin.Id, admin.Email!));
            }, cancellationToken);
        }
        catch (IdentityRefusal refusal)
        {
            return refusal.Invalid;
        }
    }
}
