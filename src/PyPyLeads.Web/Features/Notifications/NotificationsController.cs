using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.Web.Features.Notifications;

/// <summary>The signed-in user's in-app notifications: the list, opening one (which marks it read), mark read.</summary>
[Route("notifications")]
public sealed class NotificationsController(LeadsDbContext db, TimeProvider clock) : Controller
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
    public async Task<IActionResult> Open(long id, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.UserId == Me, cancellationToken);
        if (notification is null)
        {
            return NotFound();
        }
        await MarkRead(db.Notifications.Where(n => n.Id == id), cancellationToken);
        return Redirect(Url.IsLocalUrl(notification.Url) ? notification.Url : "/notifications");
    }

    [HttpPost("{id:long}/read")]
    public async Task<IActionResult> Read(long id, CancellationToken cancellationToken)
    {
        var marked = await MarkRead(db.Notifications.Where(n => n.Id == id && n.UserId == Me), cancellationToken);
        return marked == 0 && !await db.Notifications.AnyAsync(n => n.Id == id && n.UserId == Me, cancellationToken) ? NotFound() : Redirect("/notifications");
    }

    [HttpPost("read-all")]
    public async Task<IActionResult> ReadAll(CancellationToken cancellationToken)
    {
        await MarkRead(db.Notifications.Where(n => n.UserId == Me), cancellationToken);
        return Redirect("/notifications");
    }

    public static Task<int> CountUnreadAsync(LeadsDbContext db, string userId, CancellationToken cancellationToken) =>
        db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAtUtc == null, cancellationToken);

    private Task<int> MarkRead(IQueryable<PyPyLeads.FollowUps.Notification> query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return query.Where(n => n.ReadAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAtUtc, now), cancellationToken);
    }
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
