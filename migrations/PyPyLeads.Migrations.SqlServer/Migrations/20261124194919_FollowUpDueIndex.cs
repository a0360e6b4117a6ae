using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class FollowUpDueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_FollowUps_DueAtUtc_FlaggedAfterEndUtc",
                table: "FollowUps",
                columns: new[] { "DueAtUtc", "FlaggedAfterEndUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FollowUps_DueAtUtc_FlaggedAfterEndUtc",
                table: "FollowUps");
        }
    }
}
