using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>What a controller needs to call a use case and map what it answers.</summary>
public static class UseCaseResults
{
    /// <summary>The signed-in user as a use case's <see cref="Caller"/>; the role comes from the sign-in, as the policies read it.</summary>
    public static async Task<Caller> CallerAsync(this ClaimsPrincipal user, LeadsDbContext db, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");
        return await Caller.LoadAsync(db, id, user.IsInRole(PyPyLeads.Users.Roles.Admin), cancellationToken)
               ?? throw new InvalidOperationException("The signed-in user no longer exists.");
    }

    /// <summary>As <see cref="CallerAsync(ClaimsPrincipal, LeadsDbContext, CancellationToken)"/>, with the client address for the security log.</summary>
    public static async Task<Caller> CallerAsync(this Microsoft.AspNetCore.Http.HttpContext http, LeadsDbContext db, CancellationToken cancellationToken) =>
        (await http.User.CallerAsync(db, cancellationToken)) with { ClientAddress = ClientAddress.Of(http) };

    /// <summary>
    /// The answer to an outcome a page does not handle itself: 404 for <see cref="NotFound"/>, 403 for
    /// <see cref="NotAllowed"/>. Any other outcome reaching here is a bug in the action's mapping.
    /// </summary>
    public static IActionResult Refused(this Controller controller, Outcome outcome) => outcome switch
    {
        NotFound => controller.NotFound(),
        NotAllowed => controller.Forbid(),
        _ => throw new InvalidOperationException($"The action does not map {outcome.GetType().Name}."),
    };

    /// <summary>
    /// A refusal on a form whose typed text led to a record the caller may not change (a company name that is another
    /// consultancy's): 403, as for a forced post, but with the form shown again, what they typed kept and the reason
    /// beside <paramref name="field"/>. The action then returns its form view.
    /// </summary>
    public static void RefusedBeside(this Controller controller, NotAllowed refusal, string field)
    {
        controller.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden;
        controller.ModelState.AddModelError(field, refusal.Message);
    }

    /// <summary>
    /// How a throttled sign-in try is answered, at either step: the page again with the wait beside
    /// <paramref name="field"/>, 429 and Retry-After.
    /// </summary>
    public static ViewResult MustWait(this Controller controller, SignInWait wait, string field, object model)
    {
        controller.Response.Headers.RetryAfter = wait.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        controller.ModelState.AddModelError(field, wait.Message);
        var refused = controller.View(model);
        refused.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status429TooManyRequests;
        return refused;
    }

    /// <summary>
    /// Runs the use case only on a form the model binder could read whole: a field it could not read (text in a
    /// number field, an unknown choice) would reach the use case as empty and could change what the person did not
    /// ask to change. Such a form comes back as <see cref="Invalid"/> with the binder's messages already beside the fields.
    /// </summary>
    public static async Task<Outcome> RunWhenReadAsync(this ModelStateDictionary modelState, Func<Task<Outcome>> run) =>
        modelState.IsValid ? await run() : new Invalid([]);

    /// <summary>Puts a use case's field errors beside the form's fields (the input's names are the form's names).</summary>
    public static void AddErrors(this ModelStateDictionary modelState, Invalid invalid, string prefix = "")
    {
        foreach (var error in invalid.Errors)
        {
            modelState.AddModelError(prefix.Length == 0 ? error.Field : prefix + "." + error.Field, error.Message);
        }
    }
}

/// <summary>
/// The one-line outcome of an action, shown at the top of the page it redirects to by the layout
/// (written there, one place): a confirmation, or a problem that stopped the action.
/// </summary>
public static class Flash
{
    public const string DoneKey = "flash.done";
    public const string ProblemKey = "flash.problem";

    public static void Done(this ITempDataDictionary tempData, string message) => tempData[DoneKey] = message;

    public static void Problem(this ITempDataDictionary tempData, string message) => tempData[ProblemKey] = message;
}
