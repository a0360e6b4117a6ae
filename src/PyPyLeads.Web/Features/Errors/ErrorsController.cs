using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PyPyLeads.Web.Features.Errors;

/// <summary>Friendly pages for errors and status codes; re-executed with the original method, so any method is accepted.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ApiExplorerSettings(IgnoreApi = true)]
[Route("error")]
public sealed class ErrorsController : Controller
{
    [Route("")]
    public IActionResult Index() => Show(StatusCodes.Status500InternalServerError);

    // Read from the route, not model-bound: a re-executed POST whose form cannot be read (a %00 in a field) makes
    // every model binding fail, which turned the friendly 400 into a 500.
    [Route("{code:int}")]
    public IActionResult Status() =>
        Show(int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : StatusCodes.Status500InternalServerError);

    private ViewResult Show(int code)
    {
        Response.StatusCode = code is >= 400 and <= 599 ? code : StatusCodes.Status500InternalServerError;
        var (title, text) = code switch
        {
            400 => ("Bad request", "The form could not be read. Go back, reload the page and try again."),
            403 => ("Not allowed", "Your account is not allowed to do this. Ask an admin if you think it should be."),
            404 => ("Not found", "There is nothing at this address."),
            413 => ("Too large", "What you sent is larger than this page accepts. Shorten the text (or, for a CSV import, split the file) and send it again."),
            429 => ("Slow down", "Too many attempts from your address. Wait a while and try again."),
            _ => ("Something went wrong", "The error has been logged. Try again in a moment."),
        };
        return View("Error", new ErrorPage(Response.StatusCode, title, text));
    }
}

public sealed record ErrorPage(int StatusCode, string Title, string Text);
