using Microsoft.AspNetCore.Mvc;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Schedule;

/// <summary>How the presentation and meeting pages answer a change to a request or a meeting.</summary>
public static class ChangeAnswers
{
    /// <summary>
    /// Done: back to its page (<paramref name="id"/>). Refused by the workflow or a stale form: <paramref name="refused"/>
    /// with why, as 409. Clashes to confirm, field messages, or a field that could not be read (<paramref name="outcome"/>
    /// null): <paramref name="form"/> again, with the clashes found.
    /// </summary>
    public static async Task<IActionResult> AnswerChangeAsync(this Controller controller, int id, Outcome? outcome,
        Func<string, Task<IActionResult>> refused, Func<IReadOnlyList<Clash>, Task<IActionResult>> form)
    {
        switch (outcome)
        {
            case Done<StatusChange.Changed>:
                return controller.RedirectToAction("Details", new { id });
            case Conflict<StatusChange.Current> conflict:
                controller.Response.StatusCode = StatusCodes.Status409Conflict;
                return await refused(conflict.Message);
            case DuplicatesFound<Clash> clashes:
                return await form(clashes.Matches);
            case Invalid invalid:
                controller.ModelState.AddErrors(invalid);
                return await form([]);
            case null:
                return await form([]);
            default:
                return controller.Refused(outcome);
        }
    }
}
