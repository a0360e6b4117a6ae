using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// Opens the request's database connection once, for the action, its view and the layout's view components together.
/// Left to itself EF opens and closes it around every query, and on SQLite each open takes a connection from the pool,
/// registers EF's functions again and runs the connection pragmas: with a dozen small queries per page that cost more
/// than the queries. The connection closes when the request's DbContext goes back to the pool (EF resets it).
/// </summary>
public sealed class OneConnectionPerRequest(LeadsDbContext db, ILogger<OneConnectionPerRequest> logger) : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        try
        {
            await db.Database.OpenConnectionAsync(context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Pages that can do without the database (the error page) still render; the others fail as they would have.
            logger.LogWarning(ex, "The database connection could not be opened");
        }
        await next();
    }
}
