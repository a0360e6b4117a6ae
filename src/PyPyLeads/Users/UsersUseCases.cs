using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Users;

public static class UsersUseCases
{
    /// <summary>The use cases of the people who sign in: set-up, invitations, their settings, two-factor sign-in and notifications.</summary>
    public static IServiceCollection AddUsersUseCases(this IServiceCollection services) => services
        .AddScoped<SetUpFirstAdmin>()
        .AddScoped<InviteUser>()
        .AddScoped<ReissueInvitation>()
        .AddScoped<AcceptInvitation>()
        .AddScoped<ChangeTimeZone>()
        .AddScoped<OpenNotification>()
        .AddScoped<MarkNotificationRead>()
        .AddScoped<MarkAllNotificationsRead>()
        .AddScoped<GrantExportRight>()
        .AddScoped<IssueSetupCode>()
        .AddScoped<StartAuthenticatorEnrolment>()
        .AddScoped<EnableTwoFactor>()
        .AddScoped<DisableTwoFactor>()
        .AddScoped<NewRecoveryCodes>()
        .AddScoped<PassSecondFactor>();
}
