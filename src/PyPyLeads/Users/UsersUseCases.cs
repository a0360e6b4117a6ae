using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

public static class UsersUseCases
{
    /// <summary>The use cases of the people who sign in: set-up, invitations, their settings, sessions, two-factor sign-in and notifications.</summary>
    public static IServiceCollection AddUsersUseCases(this IServiceCollection services) => services
        // Sessions run on real time; a test registers its own clock after this one.
        .AddSingleton(new SessionClock(TimeProvider.System))
        .AddSingleton<SecurityEvents>()
        .AddScoped<Sessions>()
        .AddScoped<ChangePassword>()
        .AddScoped<EndSession>()
        .AddScoped<EndOtherSessions>()
        .AddScoped<DisableUser>()
        .AddScoped<EnableUser>()
        .AddScoped<ReassignFollowUp>()
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
