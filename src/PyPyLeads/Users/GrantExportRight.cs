using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// An admin lets a member export the companies and their contacts, or takes that back (admins always may). Only
/// admins grant it. Setting what is already set changes nothing and says so.
/// Returns <see cref="Done{T}"/> of <see cref="Granted"/>, <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// The input is an id and a yes or no, so there is no validator.
/// </summary>
public sealed class GrantExportRight(LeadsDbContext db, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public sealed record Input(string UserId, bool MayExport);

    public sealed record Granted(string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins say who may export companies.");
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == input.UserId).Select(u => new { u.DisplayName, u.MayExportCompanies }).SingleOrDefaultAsync(ct);
            if (user is null)
            {
                return new NotFound("There is no such user.");
            }
            if (user.MayExportCompanies == input.MayExport)
            {
                return new Done<Granted>(new($"Nothing changed: {user.DisplayName} {(input.MayExport ? "may" : "may not")} export companies already."));
            }
            await db.Users.Where(u => u.Id == input.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.MayExportCompanies, input.MayExport), ct);
            logger.LogInformation("{Admin} {Change} {User} the right to export companies", caller.Name, input.MayExport ? "gave" : "took from", user.DisplayName);
            return new Done<Granted>(new(input.MayExport ? $"{user.DisplayName} may now export companies." : $"{user.DisplayName} may no longer export companies."));
        }, cancellationToken);
    }
}
