using Microsoft.AspNetCore.Mvc;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Features.Presentations;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Invite;

/// <summary>The answer to every accepted invitation, the same whether the company was known or not (as the page's thank-you).</summary>
public sealed record InvitationReceived(string Message);

/// <summary>
/// The public invitation page as an endpoint: no token, the page's use case and validator
/// (<see cref="RequestPresentation.RunFromInvitationPageAsync"/>), its rate limit per address (shared with the page) and its size limit.
/// </summary>
public static class InviteApi
{
    public const string Thanks = "Thank you: the PyPy team will be in touch about your presentation.";

    public static void MapInviteApi(this WebApplication app)
    {
        app.MapGroup(ApiSetup.Root + "/public").WithTags("Public")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.PublicForm)
            .MapPost("/presentation-requests", RequestAsync).WithName("InvitePresentation")
            .WithSummary("Ask the team to come and present (the public invitation page; no token)")
            .WithDescription("Anyone may send it, `PublicForm:PermitsPerHour` times an hour from one address (together with the page). " +
                             "Every accepted request answers the same, whether the company was known or not.")
            .WithMetadata(new RequestSizeLimitAttribute(64 * 1024))
            .WithMetadata(new ApiSetup.ProblemResponse(StatusCodes.Status429TooManyRequests))
            .Produces<InvitationReceived>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .Idempotent();
    }

    private static async Task<IResult> RequestAsync(PresentationRequestBody body, HttpContext http, RequestPresentation requestPresentation, ILoggerFactory loggers)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, http.RequestAborted);
        if (refusal is not null)
        {
            return refusal;
        }
        // Not cancelled by a dropped connection: the request arrived whole, so it is kept (as on the page).
        var outcome = await requestPresentation.RunFromInvitationPageAsync(new RequestPresentation.Input(body.CompanyName, body.WebDomain, body.ContactName,
            body.ContactEmail, body.Address, body.City, body.PreferredDates, body.AudienceSize, body.Topics ?? [], body.OtherTopics, body.ConvinceManagement)
            { SubmissionKey = key }, CancellationToken.None);
        if (outcome is not Done<RequestPresentation.Requested> done)
        {
            return ApiProblems.For(outcome);
        }
        loggers.CreateLogger(typeof(InviteApi)).LogInformation("Presentation request {Id} received through the API from {ClientAddress}", done.Value.Id, ClientAddress.Of(http));
        return TypedResults.Accepted((string?)null, new InvitationReceived(Thanks));
    }
}
