using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Notifications;

/// <summary>The signed-in user's in-app notifications: the list, opening one (which marks it read), mark read.</summary>
[Route("notifications")]
public sealed class NotificationsController(
    LeadsDbContext db) : Controller
{
    private string Me => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var zone = await db.Users.Where(u => u.Id == Me).Select(u => u.TimeZoneId).FirstAsync(cancellationToken);
        var items = await db.Notifications.AsNoTracking().Where(n => n.UserId == Me)
            .OrderByDescending(n => n.CreatedAtUtc).ThenByDescending(n => n.Id).Take(100)
            .ToListAsync(cancellationToken);
        return View(items.Select(n => new NotificationRow(n.Id, n.Title, n.Body, n.Url, ReminderMail.FormatTime(n.CreatedAtUtc, zone), n.ReadAtUtc is null)).ToList());
    }

    /// <summary>For the bell's periodic refresh.</summary>
    [HttpGet("unread-count")]
    public async Task<IActionResult> UnreadCount(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        return Json(new { count = await CountUnreadAsync(db, Me, cancellationToken) });
    }

    /// <summary>Marks the notification read and goes where it points.</summary>
    [HttpPost("{id:long}/open")]
    public async Task<IActionResult> Open(long id, [FromServices] OpenNotification openNotification, CancellationToken cancellationToken)
    {
        var outcome = await openNotification.RunAsync(new OpenNotification.Input(id), await User.CallerAsync(db, cancellationToken), cancellationToken);
        // Only a path inside the app is followed, whatever the notification says.
        return outcome is Done<OpenNotification.Opened> done
            ? Url.IsLocalUrl(done.Value.Url) ? LocalRedirect(done.Value.Url) : RedirectToAction(nameof(Index))
            : this.Refused(outcome);
    }

    [HttpPost("{id:long}/read")]
    public async Task<IActionResult> Read(long id, [FromServices] MarkNotificationRead markRead, CancellationToken cancellationToken)
    {
        var outcome = await markRead.RunAsync(new MarkNotificationRead.Input(id), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<MarkNotificationRead.Marked> ? RedirectToAction(nameof(Index)) : this.Refused(outcome);
    }

    [HttpPost("read-all")]
    public async Task<IActionResult> ReadAll([FromServices] MarkAllNotificationsRead markAllRead, CancellationToken cancellationToken)
    {
        var outcome = await markAllRead.RunAsync(await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<MarkAllNotificationsRead.Marked> ? RedirectToAction(nameof(Index)) : this.Refused(outcome);
    }

    public static Task<int> CountUnreadAsync(LeadsDbContext db, string userId, CancellationToken cancellationToken) =>
        db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAtUtc == null, cancellationToken);
}

public sealed record NotificationRow(long Id, string Title, string? Body, string Url, string At, bool Unread);

/// <summary>The bell in the layout: the signed-in user's unread count, linking to the list.</summary>
public sealed class BellViewComponent(LeadsDbContext db, ILogger<BellViewComponent> logger) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var me = UserClaimsPrincipal.FindFirstValue(ClaimTypes.NameIdentifier);
        var count = 0;
        try
        {
            count = me is null ? 0 : await NotificationsController.CountUnreadAsync(db, me, HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The layout (error pages included) must render even when the database does not answer.
            logger.LogWarning(ex, "Unread notifications could not be counted");
        }
        return View("~/Features/Notifications/_Bell.cshtml", count);
    }
}
